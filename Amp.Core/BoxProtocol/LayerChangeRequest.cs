using Amp.BoxProtocol;
using Amp.Layers;

namespace Amp;

/// <summary>
/// A layer change this side asked for with <see cref="BinaryBoxProtocol.RequestLayerChange"/>. Its box
/// waits in the outgoing queue behind earlier boxes and changes; once written, the writer holds every
/// later box until the peer's answer settles the change. The receiver that reads that answer calls
/// <see cref="Accept"/> or <see cref="Refuse"/>.
/// </summary>
/// <remarks>
/// Cancelling the request's token before its box is written withdraws it: nothing is sent and the
/// stack is unchanged. After that, the change can no longer be taken back (the peer may already have
/// made it), so cancelling only detaches the caller: <see cref="Completion"/> still reports the outcome.
/// </remarks>
public sealed class LayerChangeRequest
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly BinaryBoxProtocol _protocol;

    internal LayerChangeRequest(BinaryBoxProtocol protocol, LayerChange change, ReadOnlySpan<byte> box)
    {
        _protocol = protocol;
        Slot = new ChangeSlot(change, box.ToArray(), this);
    }

    /// <summary>The change asked for.</summary>
    public LayerChange Change => Slot.Change;

    /// <summary>Whether the announcing box has been written (the change can no longer be withdrawn).</summary>
    public bool WasSent => Slot.State is SlotState.Sent or SlotState.Superseded or SlotState.Done;

    /// <summary>
    /// Completes when the change is made on this side; faults with the refusal, with
    /// <see cref="OperationCanceledException"/> when withdrawn before it was sent, with
    /// <see cref="AmpLayerChangeConflictException"/> when the peer's crossing change won the tie-break
    /// before ours was sent, with an <see cref="AmpLayerException"/> when the new layer failed, or with
    /// <see cref="AmpConnectionLostException"/> when the connection ended first.
    /// </summary>
    public Task Completion => _completion.Task;

    internal ChangeSlot Slot { get; }

    /// <summary>Set when the caller cancelled after the box was written: the outcome no longer reaches anyone.</summary>
    internal bool IsDetached { get; private set; }

    private CancellationTokenRegistration _registration;

    internal void WatchCancellation(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        _registration = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var request = (LayerChangeRequest)state!;
                if (!request._protocol.TryWithdraw(request, token))
                {
                    request.IsDetached = true;
                }
            },
            this);
        if (_completion.Task.IsCompleted)
        {
            _registration.Unregister();
        }
    }

    /// <summary>
    /// The peer agreed: call this while handling its answer box (from <see cref="Boxes.IBoxReceiver.TryReceiveBox"/>).
    /// Reading stops after that box, the change is made, and reading goes on in the new top.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not called while a box is being received, or the request was not sent.</exception>
    public void Accept() => _protocol.AcceptLocalChange(this);

    /// <summary>The peer refused: the stack stays as it was; held boxes are released or dropped (see <see cref="LayerChange.HeldBoxesNeedTheNewLayer"/>).</summary>
    /// <param name="reason">What the caller's <see cref="Completion"/> faults with.</param>
    public void Refuse(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        _protocol.RefuseLocalChange(this, reason);
    }

    internal void Complete()
    {
        _registration.Unregister();
        _completion.TrySetResult();
    }

    internal void Fail(Exception exception)
    {
        _registration.Unregister();
        if (exception is OperationCanceledException canceled)
        {
            _completion.TrySetCanceled(canceled.CancellationToken);
        }
        else
        {
            _completion.TrySetException(exception);
        }

        // Observed here: a detached or raw caller may never look, and a fault must not surface later as unobserved.
        _ = _completion.Task.Exception;
    }
}
