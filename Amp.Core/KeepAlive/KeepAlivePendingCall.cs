using Amp.BoxProtocol;
using Amp.Connection;

namespace Amp.KeepAlive;

/// <summary>
/// Our ping waiting for its answer. Nobody awaits it: the monitor looks only at the bytes that arrive, so
/// whatever becomes of the call (answered, failed, timed out by <see cref="AmpConnectionOptions.CallTimeout"/>)
/// it completes quietly and clears the monitor's mark.
/// </summary>
internal sealed class KeepAlivePendingCall : PendingCallBase<bool>
{
    private readonly KeepAliveMonitor _monitor;
    private readonly ReceiveWatch _watch;
    private readonly long _sentAt = Environment.TickCount64;

    public KeepAlivePendingCall(KeepAliveMonitor monitor, ReceiveWatch watch)
    {
        _monitor = monitor;
        _watch = watch;
    }

    public override void SetAnswer(ReadOnlySpan<byte> box)
    {
        _watch.KeepAliveBoxReceived(box.Length);
        if (TrySetResult(true))
        {
            _monitor.PingAnswered(_sentAt);
        }

        ReleaseCancellation();
    }

    public override void SetError(string code, string description) => Fail();

    public override void Fail(Exception exception) => Fail();

    private void Fail()
    {
        if (TrySetResult(false))
        {
            _monitor.PingCompleted();
        }

        ReleaseCancellation();
    }
}
