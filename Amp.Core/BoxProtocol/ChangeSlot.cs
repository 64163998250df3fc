using System.IO.Pipelines;
using Amp.Layers;

namespace Amp.BoxProtocol;

/// <summary>Where a layer change stands; see <see cref="ChangeSlot"/>.</summary>
internal enum SlotState
{
    /// <summary>Waiting in the writer's queue; its box has not been written. A local change can still be withdrawn.</summary>
    Queued,

    /// <summary>Its box is written; the writer is parked on it until the change is made or refused.</summary>
    Sent,

    /// <summary>Withdrawn before its box was written (cancelled, or overtaken by the peer's change): nothing was sent.</summary>
    Withdrawn,

    /// <summary>Sent, then overtaken by the peer's change that won the tie-break; the peer will refuse it.</summary>
    Superseded,

    /// <summary>Made or refused; the writer has gone on or is about to.</summary>
    Done,
}

/// <summary>What the writer does once the change it is parked on is settled.</summary>
internal enum SlotOutcome
{
    /// <summary>Go on writing to <see cref="ChangeSlot.NewOutput"/>.</summary>
    Resume,

    /// <summary>Go on with the layer it had (the change was refused).</summary>
    Unchanged,

    /// <summary>Write no more: the connection belongs to another protocol.</summary>
    HandOver,

    /// <summary>Look at the queue again: the peer's change was put before this one.</summary>
    Reexamine,

    /// <summary>The connection ended: nothing from this slot on is written.</summary>
    Stop,
}

/// <summary>
/// One layer change's place in the outgoing stream: the bytes queued before <see cref="Offset"/> are
/// written first, then <see cref="Box"/> (our command, or our answer to the peer's), then the writer
/// parks until the change is settled. Boxes queued after it are held for the layer the change makes.
/// State moves only forward: Queued, then Sent or Withdrawn; Sent, then Superseded or Done.
/// </summary>
internal sealed class ChangeSlot
{
    private TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SlotOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    public ChangeSlot(LayerChange change, byte[] box, LayerChangeRequest? request)
    {
        Change = change;
        Box = box;
        Request = request;
    }

    public LayerChange Change { get; }

    /// <summary>The box written just before the change (empty for a hand-over without a command).</summary>
    public byte[] Box { get; }

    /// <summary>Our request, for a change this side asked for; null when answering the peer's.</summary>
    public LayerChangeRequest? Request { get; }

    public bool IsLocal => Request is not null;

    public SlotState State => (SlotState)Volatile.Read(ref _state);

    /// <summary>Whether the slot is in the writer's queue (a hand-over without a command joins it only at the boundary).</summary>
    public bool InWriter { get; set; }

    /// <summary>Whether the slot is counted among the hand-overs that make the writer refuse calls.</summary>
    public bool RefusesCalls { get; set; }

    /// <summary>Bytes queued before this slot; kept by the writer under its lock.</summary>
    public int Offset { get; set; }

    /// <summary>Tags of calls queued after this slot and before the next one; kept by the writer under its lock.</summary>
    public List<ulong>? HeldCalls { get; set; }

    /// <summary>Set when the slot ends without its change and the boxes held for it must not be written below.</summary>
    public Exception? DropHeldBoxesWith { get; set; }

    /// <summary>The peer's refusal: the writer fails the request with it once it has gone on without the change.</summary>
    public Exception? RefusedWith { get; set; }

    /// <summary>The writer for the boxes after the change, once <see cref="SlotOutcome.Resume"/>.</summary>
    public PipeWriter? NewOutput { get; private set; }

    /// <summary>
    /// Completes once the writer is parked on the slot: its box and everything before it flushed, nothing
    /// else being written (or once the slot was withdrawn). Only then may the change touch the top layer.
    /// </summary>
    public Task Flushed => Volatile.Read(ref _flushed).Task;

    public bool TryMove(SlotState from, SlotState to) =>
        Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from;

    public void MarkFlushed() => Volatile.Read(ref _flushed).TrySetResult();

    /// <summary>Something was put before the parked slot (under the writer's lock): the writer leaves it to write that, then parks again.</summary>
    public void Unpark()
    {
        if (Volatile.Read(ref _flushed).Task.IsCompleted)
        {
            Volatile.Write(ref _flushed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>What the writer waits for while parked on this slot.</summary>
    public Task<SlotOutcome> Outcome => _outcome.Task;

    public void Settle(SlotOutcome outcome, PipeWriter? output = null)
    {
        NewOutput = output;
        _outcome.TrySetResult(outcome);
    }

    public override string ToString() => $"{Change.Description} ({State})";
}
