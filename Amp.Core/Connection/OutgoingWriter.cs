using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Connection;

/// <summary>
/// The one writer of a connection. Callers append encoded boxes under a short lock; whoever finds the
/// writer idle drains the queue: it copies every queued box into the top pipe and flushes once per batch.
/// A <see cref="LayerChange"/> queued with a box runs right after that box is flushed, before anything
/// queued later is written, so no box slips between an answer and the layer change it announces.
/// </summary>
internal sealed class OutgoingWriter
{
    private readonly Lock _lock = new();
    private readonly long _maxQueuedBytes;
    private readonly Action<Exception> _onWriteFailure;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ByteQueue _queue = new();
    private ByteQueue _batch = new();
    private PipeWriter _output;
    private LayerChange? _change;
    private int _changeMark;
    private Exception? _refusal;
    private Exception? _closedReason;
    private bool _completing;
    private bool _draining;
    private bool _corked;
    private List<ulong>? _heldCalls;
    private int _boxesQueued;
    private int _lastBatchBoxes;
    private long _inFlight;
    private TaskCompletionSource? _roomWaiters;
    private readonly SendTurns _turns = new();

    public OutgoingWriter(PipeWriter output, long maxQueuedBytes, Action<Exception> onWriteFailure)
    {
        _output = output;
        _maxQueuedBytes = maxQueuedBytes;
        _onWriteFailure = onWriteFailure;
    }

    /// <summary>Called with the tags of calls whose boxes were dropped because a layer change they waited for was refused.</summary>
    public Action<IReadOnlyList<ulong>, Exception>? HeldCallsDropped { get; set; }

    /// <summary>Called when the queue drops below its limit (the read loop may have commands set aside).</summary>
    public Action? RoomFreed { get; set; }

    /// <summary>Whether more boxes may be queued without waiting.</summary>
    public bool HasRoom => Volatile.Read(ref _inFlight) < _maxQueuedBytes;

    /// <summary>Whether a caller may queue a box now without overtaking callers that wait for room.</summary>
    public bool CanQueueNow => HasRoom && _turns.NobodyWaiting;

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
    /// Holds flushing while the read loop handles the boxes of one read, so the answers to a batch of
    /// commands leave in one flush. <see cref="Uncork"/> must follow before the read loop waits for anything.
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
            drain = (_queue.Length > 0 || _completing || _change is not null) && StartDrainIfIdle();
        }

        if (drain)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>
    /// Waits for room behind every caller that started waiting earlier, so boxes of callers that had to
    /// wait are queued in the order the callers arrived (room wakes all waiters at once, in no set order).
    /// The caller queues its box, then completes the returned turn to let the next one in.
    /// </summary>
    public Task<TaskCompletionSource> WaitForTurnAsync(CancellationToken cancellationToken) => _turns.TakeAsync(WaitForRoomAsync, cancellationToken);

    /// <summary>
    /// Queues a box. <paramref name="callTag"/> names the call the box starts (0 for answers), so that a
    /// call held behind a refused layer change can be failed instead of sent (see <see cref="LayerChange.DropsHeldBoxesOnRefusal"/>).
    /// </summary>
    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    /// <exception cref="InvalidOperationException">A protocol switch is pending (the refusal's exception).</exception>
    public void Enqueue(ReadOnlySpan<byte> box, ulong callTag = 0)
    {
        bool drain;
        lock (_lock)
        {
            ThrowIfRefused();
            if (_change is not null && callTag != 0)
            {
                (_heldCalls ??= new List<ulong>()).Add(callTag);
            }

            _queue.Append(box);
            _inFlight += box.Length;
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

    /// <summary>Queues a box followed by a layer change (see <see cref="LayerChange"/>).</summary>
    /// <exception cref="InvalidOperationException">Another layer change is still pending.</exception>
    public void Enqueue(ReadOnlySpan<byte> box, LayerChange change)
    {
        bool drain;
        lock (_lock)
        {
            ThrowIfRefused();
            if (_change is not null)
            {
                throw new InvalidOperationException("Another layer change is still in progress on this connection.");
            }

            _queue.Append(box);
            _inFlight += box.Length;
            _change = change;
            _changeMark = _queue.Length;
            if (change.RefusesSends)
            {
                _refusal = new AmpProtocolSwitchedException("A protocol switch is pending on this connection: no AMP traffic allowed.");
            }

            drain = StartDrainIfIdle();
        }

        if (drain)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>
    /// Writes what is queued, then completes the output. After this, sends fail with <paramref name="reason"/>.
    /// </summary>
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

    private void ThrowIfRefused()
    {
        if (_closedReason is not null)
        {
            throw _closedReason;
        }

        if (_refusal is not null)
        {
            throw _refusal;
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

    // Runs on the thread of whoever found the writer idle, until it has to wait for a flush.
    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                LayerChange? change = null;
                bool complete = false;
                lock (_lock)
                {
                    if (_change is not null && _changeMark >= 0)
                    {
                        // Write up to the box that announces the change; what follows waits for the new layer.
                        _batch.Append(_queue.Span.Slice(0, _changeMark));
                        _queue.RemoveFront(_changeMark);
                        _changeMark = -1;
                        change = _change;
                    }
                    else if (_queue.Length > 0)
                    {
                        (_queue, _batch) = (_batch, _queue);
                        _lastBatchBoxes = _boxesQueued;
                        _boxesQueued = 0;
                    }
                    else if (_completing)
                    {
                        complete = true;
                    }
                    else
                    {
                        _draining = false;
                        return;
                    }
                }

                if (complete)
                {
                    await _output.CompleteAsync().ConfigureAwait(false);
                    _completed.TrySetResult();
                    return;
                }

                if (_batch.Length > 0)
                {
                    int written = _batch.Length;
                    _output.Write(_batch.Span);
                    _batch.Clear();
                    FlushResult result = await _output.FlushAsync().ConfigureAwait(false);
                    ReleaseRoom(written);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        throw new IOException("The transport stopped accepting writes.");
                    }
                }

                if (change is not null)
                {
                    await ApplyChangeAsync(change).ConfigureAwait(false);
                    if (_completed.Task.IsCompleted)
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _draining = false;
            }

            _completed.TrySetResult();
            _onWriteFailure(e);
        }
    }

    private async Task ApplyChangeAsync(LayerChange change)
    {
        PipeWriter? next = await change.ApplyAsync(_output).ConfigureAwait(false);
        List<ulong>? dropped = null;
        lock (_lock)
        {
            _change = null;
            _changeMark = 0;
            _refusal = null;
            if (change.RefusedWith is not null && change.DropsHeldBoxesOnRefusal)
            {
                // Everything queued now was queued after the change's box: it was meant for the new layer.
                // Held answers are replaced by bare errors, so the peer's calls end (the batch is empty here).
                _boxesQueued = RefusedChangeAnswers.AppendErrorsFor(_queue.Span, _batch);
                _inFlight += _batch.Length - _queue.Length;
                _queue.Clear();
                (_queue, _batch) = (_batch, _queue);
                dropped = _heldCalls;
            }

            _heldCalls = null;
            if (next is not null)
            {
                _output = next;
            }
            else
            {
                _closedReason ??= new AmpConnectionLostException(AmpDisconnectReason.ProtocolSwitched, "The connection was handed to another protocol.");
                _queue.Clear();
            }
        }

        if (dropped is not null)
        {
            HeldCallsDropped?.Invoke(dropped, change.RefusedWith!);
        }

        change.OnApplied();
        if (next is null)
        {
            _completed.TrySetResult();
        }
    }

    private void ReleaseRoom(int written)
    {
        TaskCompletionSource? waiters = null;
        bool freed;
        lock (_lock)
        {
            freed = _inFlight >= _maxQueuedBytes;
            _inFlight -= written;
            freed &= _inFlight < _maxQueuedBytes;
            if (_inFlight < _maxQueuedBytes && _roomWaiters is not null)
            {
                waiters = _roomWaiters;
                _roomWaiters = null;
            }
        }

        waiters?.TrySetResult();
        if (freed)
        {
            RoomFreed?.Invoke();
        }
    }
}
