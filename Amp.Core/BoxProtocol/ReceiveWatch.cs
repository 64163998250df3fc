namespace Amp.BoxProtocol;

/// <summary>
/// The receive limits of one connection: the idle timeout and the minimum rate of a box once begun,
/// and what the keepalive needs to know of the peer's silence. The read loop marks when it waits for the
/// peer's bytes and how much of a box it holds; the shared <see cref="ReceiveHeartbeat"/> checks the
/// limits once a second, so a connection costs no timer of its own for them.
/// </summary>
internal sealed class ReceiveWatch
{
    private readonly TimeSpan _idleTimeout;
    private readonly AmpMinimumDataRate? _minimumRate;
    private readonly Action<string> _expire;

    // Written by the read loop, read by the heartbeat and the keepalive; times are Environment.TickCount64 (milliseconds).
    private long _waitingSince;
    private long _lastBytesAt;
    private long _boxBytes;
    private long _boxWaitedBefore;
    private long _received;
    private long _keepAliveReceived;
    private int _expired;

    // The heartbeat's own: the bytes of the application's traffic it last saw, and since when it has seen no more.
    private long _activeSeen;
    private long _idleSince;

    public ReceiveWatch(TimeSpan idleTimeout, AmpMinimumDataRate? minimumRate, Action<string> expire)
    {
        _idleTimeout = idleTimeout;
        _minimumRate = minimumRate;
        _expire = expire;
        _lastBytesAt = Environment.TickCount64;
        _idleSince = _lastBytesAt;
    }

    /// <summary>Whether the connection has work in flight that keeps it from being idle; checked by the heartbeat.</summary>
    public Func<bool>? IsBusy { get; init; }

    /// <summary>Whether either limit is on (else the heartbeat has nothing to check).</summary>
    public bool HasLimits => AnyLimit(_idleTimeout, _minimumRate);

    /// <summary>When bytes last arrived from the peer (any bytes: keepalive traffic too).</summary>
    public long LastBytesAt => Volatile.Read(ref _lastBytesAt);

    /// <summary>Whether either limit is on.</summary>
    public static bool AnyLimit(TimeSpan idleTimeout, AmpMinimumDataRate? minimumRate) =>
        idleTimeout != Timeout.InfiniteTimeSpan || minimumRate is not null;

    /// <summary>
    /// Since when the read loop has been waiting for the peer with no new bytes: <paramref name="now"/> while it
    /// is not waiting (reading, paused by this side's own backpressure, or making a layer change), since
    /// that is not the peer's silence.
    /// </summary>
    public long QuietSince(long now)
    {
        long since = Volatile.Read(ref _waitingSince);
        return since == 0 ? now : Math.Max(since, Volatile.Read(ref _lastBytesAt));
    }

    /// <summary>The read loop is about to wait for bytes, holding <paramref name="boxBytes"/> bytes of a box begun (0 for none).</summary>
    public void StartWaiting(long boxBytes)
    {
        if (boxBytes == 0)
        {
            _boxWaitedBefore = 0;
        }

        Volatile.Write(ref _boxBytes, boxBytes);
        Volatile.Write(ref _waitingSince, Environment.TickCount64);
    }

    /// <summary>The wait ended with <paramref name="bufferedBytes"/> bytes buffered.</summary>
    public void StopWaiting(long bufferedBytes)
    {
        long now = Environment.TickCount64;
        long since = Interlocked.Exchange(ref _waitingSince, 0);
        long boxBytes = Volatile.Read(ref _boxBytes);
        if (since != 0 && boxBytes > 0)
        {
            _boxWaitedBefore += now - since;
        }

        if (bufferedBytes > boxBytes)
        {
            Volatile.Write(ref _received, _received + (bufferedBytes - boxBytes));
            Volatile.Write(ref _lastBytesAt, now);
        }
    }

    /// <summary>
    /// A keepalive ping or its answer of <paramref name="length"/> bytes was received: its bytes are life for
    /// the keepalive but not activity for the idle timeout, so pings never keep an idle connection open.
    /// </summary>
    public void KeepAliveBoxReceived(int length) => Interlocked.Add(ref _keepAliveReceived, length);

    /// <summary>Called by the heartbeat: ends the connection if a limit is passed.</summary>
    public void Check(long now)
    {
        long since = Volatile.Read(ref _waitingSince);
        if (since == 0 || Volatile.Read(ref _expired) != 0)
        {
            // Not waiting for the peer: reading, paused by this side, or making a layer change.
            _idleSince = now;
            return;
        }

        long boxBytes = Volatile.Read(ref _boxBytes);
        if (_minimumRate is { } rate && boxBytes > 0)
        {
            double waitedSeconds = (_boxWaitedBefore + (now - since)) / 1000.0;
            if (waitedSeconds > rate.GracePeriod.TotalSeconds && boxBytes < rate.BytesPerSecond * waitedSeconds)
            {
                Expire($"The peer sent {boxBytes} bytes of a box in {waitedSeconds:0.#} s, slower than the minimum rate of {rate}.");
                return;
            }
        }

        if (_idleTimeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        // Activity is the peer's bytes other than keepalive boxes; it is sampled here, once a second, so the
        // idle time may start up to a heartbeat late, never early.
        long active = Volatile.Read(ref _received) - Interlocked.Read(ref _keepAliveReceived);
        if (active != _activeSeen || IsBusy?.Invoke() == true)
        {
            // New bytes, or calls in flight (not idleness): the idle time starts again.
            _activeSeen = active;
            _idleSince = now;
            return;
        }

        long idleMs = now - _idleSince;
        if (idleMs > _idleTimeout.TotalMilliseconds)
        {
            Expire($"The peer sent nothing for {idleMs / 1000.0:0.#} s, longer than the idle timeout of {_idleTimeout.TotalSeconds:0.###} s.");
        }
    }

    private void Expire(string message)
    {
        if (Interlocked.Exchange(ref _expired, 1) == 0)
        {
            _expire(message);
        }
    }
}
