using Amp.BoxProtocol;
using Amp.Extensions;
using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp.KeepAlive;

/// <summary>
/// Pings a silent peer and ends the connection when it stays silent (spec/amp-wire.md §15.6). One one-shot
/// timer per connection, re-armed for the next moment something can be due: a connection that keeps
/// receiving costs one timer callback per interval, and a call costs nothing.
/// </summary>
/// <remarks>
/// The peer's silence is measured by the read loop's marks (<see cref="ReceiveWatch.QuietSince"/>): it counts
/// only while the loop waits for the peer's bytes, never while this side holds reading back. A ping is sent
/// only when the layer stack is not changing and this side's output is drained (nothing queued in the writer,
/// nothing unsent in the transport), so it never waits behind our own bulk data: a peer busy reading that data
/// sends no AMP bytes, and a ping queued behind it would time out while the peer is healthy. Once sent, the
/// ping is ahead of anything queued later, so any bytes from the peer within the timeout prove it alive.
/// </remarks>
internal sealed class KeepAliveMonitor : IDisposable
{
    private readonly AmpConnection _connection;
    private readonly ReceiveWatch _watch;
    private readonly long _intervalMs;
    private readonly long _timeoutMs;
    private readonly long _recheckMs;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Timer _timer;
    private bool _disposed;

    // Touched only by the timer callback, which never overlaps itself (it re-arms the one-shot timer when done).
    private long _probeSentAt;
    private long _lastProbeAt;
    private bool _probeWasHello;
    private int _pingInFlight;

    public KeepAliveMonitor(AmpConnection connection, ReceiveWatch watch, TimeSpan interval, TimeSpan timeout, ILogger logger)
    {
        _connection = connection;
        _watch = watch;
        _intervalMs = (long)interval.TotalMilliseconds;
        _timeoutMs = timeout == Timeout.InfiniteTimeSpan ? -1 : (long)timeout.TotalMilliseconds;
        _recheckMs = Math.Clamp(Math.Min(_intervalMs, _timeoutMs < 0 ? _intervalMs : _timeoutMs) / 4, 10, 1000);
        _logger = logger;
        _timer = new Timer(static state => ((KeepAliveMonitor)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Whether our ping is waiting for its answer (it is not a call in flight for the idle timeout).</summary>
    public bool PingInFlight => Volatile.Read(ref _pingInFlight) != 0;

    /// <summary>Whether pings are on for <paramref name="options"/>.</summary>
    public static bool IsOn(AmpConnectionOptions options) =>
        (options.Extensions & AmpExtensions.KeepAlive) != 0 && options.KeepAliveInterval != Timeout.InfiniteTimeSpan;

    public void Start() => Arm(_intervalMs);

    public void PingCompleted() => Volatile.Write(ref _pingInFlight, 0);

    public void PingAnswered(long sentAt)
    {
        PingCompleted();
        Log.KeepAlive.KeepAlivePingAnswered(_logger, _connection.Name, Environment.TickCount64 - sentAt);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void OnTimer()
    {
        long next;
        try
        {
            if (_connection.HasEnded)
            {
                return;
            }

            long now = Environment.TickCount64;
            next = _probeSentAt != 0 ? CheckProbe(now) : CheckQuiet(now);
        }
        catch (Exception)
        {
            // A timer callback must not throw; ending the connection already cannot fail, so check again later.
            next = _recheckMs;
        }

        if (next > 0)
        {
            Arm(next);
        }
        else
        {
            Dispose();
        }
    }

    /// <summary>Before a probe: sends one when the peer has been silent for the interval. Returns when to look again, or 0 to stop.</summary>
    private long CheckQuiet(long now)
    {
        if (_connection.AgreedExtensions is { } agreed && (agreed & AmpExtensions.KeepAlive) == 0)
        {
            Log.KeepAlive.KeepAliveUnavailable(_logger, _connection.Name, ExtensionNegotiation.Describe(agreed));
            return 0;
        }

        long quietFrom = Math.Max(_watch.QuietSince(now), _lastProbeAt);
        long due = quietFrom + _intervalMs;
        if (now < due)
        {
            return due - now;
        }

        if (WhyNotNow() is { } why)
        {
            Log.KeepAlive.KeepAlivePingPostponed(_logger, _connection.Name, why);
            return _recheckMs;
        }

        _probeWasHello = _connection.AgreedExtensions is null;
        if (_probeWasHello)
        {
            Log.KeepAlive.KeepAliveNegotiating(_logger, _connection.Name, now - quietFrom);
            _ = _connection.NegotiateExtensionsAsync(CancellationToken.None);
        }
        else if (!TrySendPing(now - quietFrom))
        {
            return _recheckMs;
        }

        _lastProbeAt = now;
        if (_timeoutMs < 0)
        {
            return _intervalMs;
        }

        _probeSentAt = now;

        // Look again after the interval at the latest, so the next ping follows the answer by the interval.
        return Math.Min(_timeoutMs, _intervalMs);
    }

    /// <summary>After a probe: any bytes since it end the wait; none within the timeout end the connection.</summary>
    private long CheckProbe(long now)
    {
        if (_watch.LastBytesAt >= _probeSentAt)
        {
            _probeSentAt = 0;
            return CheckQuiet(now);
        }

        // Time counts only while the read loop waits for the peer: QuietSince moves on while this side holds reading back.
        long from = Math.Max(_watch.QuietSince(now), _probeSentAt);
        long deadline = from + _timeoutMs;
        if (now < deadline)
        {
            return Math.Min(deadline - now, _intervalMs);
        }

        string probe = _probeWasHello ? "the extension hello sent in place of the first keepalive ping" : "a keepalive ping";
        string message = $"The peer sent nothing for {(now - from) / 1000.0:0.###} s after {probe} (KeepAliveTimeout {_timeoutMs / 1000.0:0.###} s, "
            + $"sent after {_intervalMs / 1000.0:0.###} s of silence): it is frozen, its host is gone or the network to it is cut.";
        Log.KeepAlive.KeepAliveTimedOut(_logger, _connection.Name, message);
        _connection.End(AmpDisconnectReason.KeepAliveTimeout, message, new TimeoutException(message));
        return 0;
    }

    /// <summary>Why a probe cannot go now, or <see langword="null"/>.</summary>
    private string? WhyNotNow()
    {
        if (_connection.Protocol.State != BoxProtocolState.Open)
        {
            return "a layer change is pending";
        }

        if (!_connection.Protocol.Writer.IsDrained || _connection.Transport.HasUnsentOutput)
        {
            return "this side's output is not drained";
        }

        return null;
    }

    private bool TrySendPing(long silentMs)
    {
        var call = new KeepAlivePendingCall(this, _watch);
        Volatile.Write(ref _pingInFlight, 1);
        try
        {
            _connection.SendKeepAlivePing(call);
        }
        catch (AmpException)
        {
            // The connection ended or a protocol switch began meanwhile: nothing to ping.
            PingCompleted();
            return false;
        }

        Log.KeepAlive.KeepAlivePingSent(_logger, _connection.Name, silentMs);
        return true;
    }

    private void Arm(long dueMs)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _timer.Change(dueMs, Timeout.Infinite);
            }
        }
    }
}
