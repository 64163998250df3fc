namespace Amp.BoxProtocol;

/// <summary>
/// The receive limits of one connection: the idle timeout and the minimum rate of a box once begun.
/// The read loop marks when it waits for the peer's bytes and how much of a box it holds; the shared
/// <see cref="ReceiveHeartbeat"/> checks the marks once a second, so a connection costs no timer of its own.
/// </summary>
internal sealed class ReceiveWatch
{
    private readonly TimeSpan _idleTimeout;
    private readonly AmpMinimumDataRate? _minimumRate;
    private readonly Action<string> _expire;

    // Written by the read loop, read by the heartbeat; times are Environment.TickCount64 (milliseconds).
    private long _waitingSince;
    private long _lastBytesAt;
    private long _boxBytes;
    private long _boxWaitedBefore;
    private int _expired;

    public ReceiveWatch(TimeSpan idleTimeout, AmpMinimumDataRate? minimumRate, Action<string> expire)
    {
        _idleTimeout = idleTimeout;
        _minimumRate = minimumRate;
        _expire = expire;
        _lastBytesAt = Environment.TickCount64;
    }

    /// <summary>Whether the connection has work in flight that keeps it from being idle; checked by the heartbeat.</summary>
    public Func<bool>? IsBusy { get; init; }

    /// <summary>Whether either limit is on.</summary>
    public static bool AnyLimit(TimeSpan idleTimeout, AmpMinimumDataRate? minimumRate) =>
        idleTimeout != Timeout.InfiniteTimeSpan || minimumRate is not null;

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
        if (since != 0 && Volatile.Read(ref _boxBytes) > 0)
        {
            _boxWaitedBefore += now - since;
        }

        if (bufferedBytes > Volatile.Read(ref _boxBytes))
        {
            Volatile.Write(ref _lastBytesAt, now);
        }
    }

    /// <summary>Called by the heartbeat: ends the connection if a limit is passed.</summary>
    public void Check(long now)
    {
        long since = Volatile.Read(ref _waitingSince);
        if (since == 0 || Volatile.Read(ref _expired) != 0)
        {
            // Not waiting for the peer: reading, paused by this side, or making a layer change.
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

        if (IsBusy?.Invoke() == true)
        {
            // Calls in flight are not idleness: the idle time starts again once they are done.
            Volatile.Write(ref _lastBytesAt, now);
            return;
        }

        long idleMs = now - Math.Max(since, Volatile.Read(ref _lastBytesAt));
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
