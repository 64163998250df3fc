using System.Diagnostics;

namespace Amp.Connection;

/// <summary>
/// Fails calls that wait longer than <see cref="AmpConnectionOptions.CallTimeout"/> with a
/// <see cref="TimeoutException"/>. One timer per connection sweeps the pending calls, as a heartbeat
/// does, instead of a timer per call: a call fails between the timeout and a quarter of it later (at
/// most one second later).
/// </summary>
internal sealed class CallTimeouts : IDisposable
{
    private readonly PendingCalls _pending;
    private readonly TimeSpan _timeout;
    private readonly long _timeoutTicks;
    private readonly string _connectionName;
    private readonly Action<ulong> _expired;
    private readonly List<IPendingCall> _taken = [];
    private readonly Lock _sweeping = new();
    private readonly Timer _timer;

    public CallTimeouts(PendingCalls pending, TimeSpan timeout, string connectionName, Action<ulong> expired)
    {
        _expired = expired;
        Milliseconds = timeout.TotalMilliseconds >= int.MaxValue ? 0 : (int)Math.Ceiling(timeout.TotalMilliseconds);
        _pending = pending;
        _timeout = timeout;
        _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _connectionName = connectionName;
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = new Timer(static state => ((CallTimeouts)state!).Sweep(), this, period, period);
    }

    /// <summary>The timeout in milliseconds, as a call carries it to the peer (0 when too long to carry).</summary>
    public int Milliseconds { get; }

    /// <summary>The deadline of a call made now.</summary>
    public long DeadlineFromNow() => Stopwatch.GetTimestamp() + _timeoutTicks;

    public void Dispose() => _timer.Dispose();

    private void Sweep()
    {
        // Timer callbacks may overlap when one runs late; one sweep at a time.
        if (!_sweeping.TryEnter())
        {
            return;
        }

        try
        {
            _pending.TakeExpired(Stopwatch.GetTimestamp(), _taken);
            foreach (IPendingCall call in _taken)
            {
                _expired(call.Tag);
                call.Fail(new TimeoutException(
                    $"{_connectionName}: no answer within {_timeout.TotalSeconds:0.###} s (AmpConnectionOptions.CallTimeout); a late answer will be dropped."));
            }
        }
        finally
        {
            _taken.Clear();
            _sweeping.Exit();
        }
    }
}
