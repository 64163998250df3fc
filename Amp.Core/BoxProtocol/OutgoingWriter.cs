using System.IO.Pipelines;
using Amp.Boxes;

namespace Amp.BoxProtocol;

/// <summary>
/// The one writer of a connection. Callers append encoded boxes under a short lock; whoever finds the
/// writer idle drains the queue: it copies every queued box into the top pipe and flushes once per batch.
/// Layer changes sit in the queue as <see cref="ChangeSlot"/>s: the writer writes up to a slot, writes
/// its box, flushes, and parks until the change is settled, so no box slips between an announcing box
/// and its change, and boxes queued after a slot go out in the layer it makes.
/// </summary>
internal sealed partial class OutgoingWriter
{
    // Below this, copying a box costs less than the larger arrays an exchange leaves in circulation.
    private const int MinExchangedBytes = 16 * 1024;

    private readonly Lock _lock = new();
    private readonly long _maxQueuedBytes;
    private readonly Action<Exception> _onWriteFailure;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<ChangeSlot> _slots = new();
    private readonly SendTurns _turns = new();
    private ByteQueue _queue = new();
    private ByteQueue _batch = new();
    private PipeWriter _output;
    private int _switchSlots;
    private Exception? _closedReason;
    private bool _completing;
    private bool _draining;
    private bool _writeFailed;
    private bool _corked;
    private int _boxesQueued;
    private int _lastBatchBoxes;
    private long _inFlight;
    private TaskCompletionSource? _roomWaiters;
    private TaskCompletionSource? _parkWake;

    public OutgoingWriter(PipeWriter output, long maxQueuedBytes, Action<Exception> onWriteFailure)
    {
        _output = output;
        _maxQueuedBytes = maxQueuedBytes;
        _onWriteFailure = onWriteFailure;
    }

    /// <summary>Called with the tags of calls whose boxes were dropped because the change they were held for did not happen.</summary>
    public Action<IReadOnlyList<ulong>, Exception>? HeldCallsDropped { get; set; }

    /// <summary>Called when the queue drops below its limit.</summary>
    public Action? RoomFreed { get; set; }

    /// <summary>Called when a slot is about to be written; returns why it cannot be (the slot is then withdrawn), or null.</summary>
    public Func<ChangeSlot, Exception?>? CheckBeforeSending { get; set; }

    /// <summary>Whether more boxes may be queued without waiting.</summary>
    public bool HasRoom => Volatile.Read(ref _inFlight) < _maxQueuedBytes;

    /// <summary>Whether every box queued so far has been written to the top pipe (nothing queued, none being written).</summary>
    public bool IsDrained => Volatile.Read(ref _inFlight) == 0;

    /// <summary>Whether a caller may queue a box now without overtaking callers that wait for room.</summary>
    public bool CanQueueNow => HasRoom && _turns.NobodyWaiting;

    /// <summary>Whether a layer change is queued or in flight.</summary>
    public bool HasSlots
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count > 0;
            }
        }
    }

    /// <summary>Whether a hand-over is queued or in flight (new calls are refused).</summary>
    public bool RefusesCalls => Volatile.Read(ref _switchSlots) > 0;


    /// <summary>Completes when the writer has stopped (completed its output, failed, or handed it over).</summary>
    public Task Completed => _completed.Task;

    /// <summary>Waits until the queue is below its limit (or the writer is closed).</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_inFlight < _maxQueuedBytes || _closedReason is not null)
            {
                return Task.CompletedTask;
            }

            _roomWaiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _roomWaiters.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Holds flushing while the read loop handles the boxes of one read (or of several reads that found
    /// bytes already buffered), so the answers to a batch of commands leave in one flush.
    /// <see cref="Uncork"/> must follow before the read loop waits for anything.
    /// </summary>
    public void Cork()
    {
        lock (_lock)
        {
            _corked = true;
        }
    }

    /// <summary>Writes what was queued while corked.</summary>
    public void Uncork()
    {
        bool drain;
        lock (_lock)
        {
            _corked = false;
            drain = (_queue.Length > 0 || _completing || _slots.Count > 0) && StartDrainIfIdle();
        }

        if (drain)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>
    /// Waits for room behind every caller that started waiting earlier, so boxes of callers that had to
    /// wait are queued in the order the callers arrived. The caller queues its box, then completes the turn.
    /// </summary>
    public Task<TaskCompletionSource> WaitForTurnAsync(CancellationToken cancellationToken) => _turns.TakeAsync(WaitForRoomAsync, cancellationToken);

    /// <summary>
    /// Queues a box. <paramref name="callTag"/> names the call the box starts (0 for other boxes), so a call
    /// held for a change that does not happen can be failed instead of sent.
    /// </summary>
    /// <param name="box">The encoded box.</param>
    /// <param name="callTag">The tag of the call the box starts, or 0.</param>
    /// <param name="isCall">Whether the box starts a command of ours (refused while a hand-over is pending; answers are held instead).</param>
    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    /// <exception cref="AmpProtocolSwitchedException">A protocol switch is pending and <paramref name="isCall"/> is set.</exception>
    public void Enqueue(ReadOnlySpan<byte> box, ulong callTag = 0, bool isCall = false) => Enqueue(box, null, callTag, isCall);

    /// <summary>
    /// Queues the box written to <paramref name="box"/>, which the caller goes on using: a large box
    /// (a stream's chunk) that finds nothing queued is taken without a copy, by exchanging arrays.
    /// </summary>
    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    public void Enqueue(BoxBuffer box) => Enqueue(box.WrittenSpan, box, 0, false);

    private void Enqueue(ReadOnlySpan<byte> box, BoxBuffer? exchangeable, ulong callTag, bool isCall)
    {
        bool drain;
        lock (_lock)
        {
            ThrowIfClosed();
            if (isCall && (_switchSlots > 0 || _callRefusal is not null))
            {
                throw _callRefusal ?? new AmpProtocolSwitchedException("A protocol switch is pending on this connection: no AMP call may be sent.");
            }

            if (_slots.Count > 0 && callTag != 0)
            {
                // Held for the last change queued: if it does not happen, this call fails rather than go below.
                (_slots[^1].HeldCalls ??= new List<ulong>()).Add(callTag);
            }

            int length = box.Length;
            if (exchangeable is not null && _queue.Length == 0 && length >= MinExchangedBytes)
            {
                _queue.TakeFrom(exchangeable);
            }
            else
            {
                _queue.Append(box);
            }

            _inFlight += length;
            _boxesQueued++;
            drain = StartDrainIfIdle();
        }

        if (!drain)
        {
            return;
        }

        if (Volatile.Read(ref _lastBatchBoxes) > 1)
        {
            // Calls are arriving together: one hop lets the others queue theirs, so they leave in one flush.
            ThreadPool.UnsafeQueueUserWorkItem(static writer => _ = writer.DrainAsync(), this, preferLocal: false);
        }
        else
        {
            // A lone box leaves at once, on this thread.
            _ = DrainAsync();
        }
    }

    /// <summary>Queues a layer change after everything queued so far.</summary>
    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    /// <exception cref="AmpProtocolSwitchedException">A protocol switch is pending.</exception>
    public void EnqueueSlot(ChangeSlot slot)
    {
        bool drain;
        lock (_lock)
        {
            ThrowIfClosed();
            if (_switchSlots > 0 && slot.IsLocal && !slot.RefusesCalls)
            {
                throw new AmpProtocolSwitchedException("A protocol switch is pending on this connection: no layer change may be asked for.");
            }

            if (_callRefusal is not null && slot.IsLocal && slot.Box.Length > 0)
            {
                throw _callRefusal;
            }

            InsertSlot(_slots.Count, slot, _queue.Length);
            drain = StartDrainIfIdle();
        }

        if (drain)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>Runs <paramref name="decide"/> under the writer's lock, with the slots from first to last.</summary>
    public T WithSlots<T>(Func<List<ChangeSlot>, T> decide)
    {
        lock (_lock)
        {
            return decide(_slots);
        }
    }

    /// <summary>Puts the peer's change at <paramref name="index"/> (under <see cref="WithSlots"/>), at the place of the slot there.</summary>
    public void InsertPeerSlotLocked(int index, ChangeSlot slot)
    {
        int offset = index < _slots.Count ? _slots[index].Offset : _queue.Length;
        InsertSlot(index, slot, offset);
    }

    /// <summary>Starts a drain if the writer is idle (after slots changed under <see cref="WithSlots"/>).</summary>
    public void Kick()
    {
        bool drain;
        lock (_lock)
        {
            drain = (_queue.Length > 0 || _slots.Count > 0) && StartDrainIfIdle();
        }

        if (drain)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>A write to the transport failed: nothing more can be written, the connection is ending.</summary>
    public bool HasFailed
    {
        get
        {
            lock (_lock)
            {
                return _writeFailed;
            }
        }
    }

    /// <summary>Writes what is queued, then completes the output. After this, sends fail with <paramref name="reason"/>.</summary>
    public Task CompleteAsync(AmpConnectionLostException reason)
    {
        bool drain;
        lock (_lock)
        {
            _closedReason ??= reason;
            _completing = true;
            drain = StartDrainIfIdle();
        }

        if (drain)
        {
            _ = DrainAsync();
        }

        return _completed.Task;
    }

    /// <summary>
    /// Refuses new boxes from now on (they fail with <paramref name="reason"/>); what is queued already is
    /// still written by <see cref="CompleteAsync"/>. Late answers after a connection ends are dropped, as in Twisted.
    /// </summary>
    public void RefuseNewBoxes(AmpConnectionLostException reason)
    {
        lock (_lock)
        {
            _closedReason ??= reason;
        }
    }

    /// <summary>Stops writing at once: queued boxes are dropped, held calls are not failed here (the caller fails all calls).</summary>
    public void Abort(AmpConnectionLostException reason)
    {
        TaskCompletionSource? waiters;
        lock (_lock)
        {
            _closedReason ??= reason;
            _queue.Clear();
            _inFlight = 0;
            waiters = _roomWaiters;
            _roomWaiters = null;
        }

        waiters?.TrySetResult();
        _completed.TrySetResult();
    }

    /// <summary>Refuses new calls from now on for a hand-over that joins the queue later, at the box boundary.</summary>
    public void RefuseCallsFor(ChangeSlot slot)
    {
        lock (_lock)
        {
            ThrowIfClosed();
            if (_switchSlots > 0)
            {
                throw new AmpProtocolSwitchedException("A protocol switch is pending on this connection: no hand-over may be asked for.");
            }

            slot.RefusesCalls = true;
            _switchSlots++;
        }
    }

    private void InsertSlot(int index, ChangeSlot slot, int offset)
    {
        slot.Offset = offset;
        slot.InWriter = true;
        _slots.Insert(index, slot);
        if (slot.Change.Kind == Layers.LayerChangeKind.HandOver && !slot.RefusesCalls)
        {
            slot.RefusesCalls = true;
            _switchSlots++;
        }
    }

    private void ThrowIfClosed()
    {
        if (_closedReason is not null)
        {
            throw _closedReason;
        }
    }

    private bool StartDrainIfIdle()
    {
        if (_draining || (_corked && !_completing))
        {
            return false;
        }

        _draining = true;
        return true;
    }
}
