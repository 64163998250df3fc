using Amp.Diagnostics;
using System.Buffers;
using System.IO.Pipelines;

namespace Amp.BoxProtocol;

internal sealed partial class OutgoingWriter
{
    // Runs on the thread of whoever found the writer idle, until it has to wait for a flush or a change.
    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                ChangeSlot? parkOn = null;
                ChangeSlot? withdrawn = null;
                Exception? withdrawnBecause = null;
                List<ulong>? dropped = null;
                Exception? droppedWith = null;
                bool complete = false;
                lock (_lock)
                {
                    if (_slots.Count > 0 && _slots[0].Offset == 0)
                    {
                        ChangeSlot head = _slots[0];
                        if (head.State == SlotState.Queued)
                        {
                            Exception? refused = head.IsLocal ? CheckBeforeSending?.Invoke(head) : null;
                            if (refused is null)
                            {
                                head.TryMove(SlotState.Queued, SlotState.Sent);
                                _batch.Append(head.Box);

                                // Counted like any box, since the write releases the whole batch.
                                _inFlight += head.Box.Length;
                                parkOn = head;
                            }
                            else
                            {
                                head.TryMove(SlotState.Queued, SlotState.Withdrawn);
                                head.DropHeldBoxesWith = head.Change.HeldBoxesNeedTheNewLayer ? refused : null;
                                (withdrawn, withdrawnBecause) = (head, refused);

                                // Out of the queue under this same lock, as TryWithdraw does: a box queued from now on
                                // (the caller's next call, once it sees the failure) is not held for this change.
                                droppedWith = head.DropHeldBoxesWith;
                                dropped = RemoveSlotLocked(0);
                            }
                        }
                        else if (head.State is SlotState.Sent or SlotState.Done)
                        {
                            // Sent, or settled while this writer was away writing what was put before it:
                            // its outcome (the new top, say) is taken in ParkAsync, never skipped.
                            parkOn = head;
                        }
                        else
                        {
                            // Withdrawn or superseded: its boxes go on below, unless they must not.
                            droppedWith = head.DropHeldBoxesWith;
                            dropped = RemoveSlotLocked(0);
                        }
                    }
                    else if (_queue.Length > 0)
                    {
                        TakeBatchLocked();
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

                withdrawn?.Request!.Fail(withdrawnBecause!);
                ReportDropped(dropped, droppedWith);

                if (complete)
                {
                    await _output.CompleteAsync().ConfigureAwait(false);
                    _completed.TrySetResult();
                    return;
                }

                if (_batch.Length > 0)
                {
                    await WriteBatchAsync().ConfigureAwait(false);
                }

                if (parkOn is not null && !await ParkAsync(parkOn).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _draining = false;
                _writeFailed = true;
            }

            _completed.TrySetResult();
            _onWriteFailure(e);
        }
    }

    private void TakeBatchLocked()
    {
        int take = _slots.Count > 0 ? _slots[0].Offset : _queue.Length;
        if (take == _queue.Length)
        {
            (_queue, _batch) = (_batch, _queue);
            _lastBatchBoxes = _boxesQueued;
            _boxesQueued = 0;
        }
        else
        {
            _batch.Append(_queue.Span.Slice(0, take));
            _queue.RemoveFront(take);
        }

        foreach (ChangeSlot slot in _slots)
        {
            slot.Offset -= take;
        }
    }

    private async Task WriteBatchAsync()
    {
        // WriteAsync, not Write then FlushAsync: a pipe copies the batch either way, a writer over a stream
        // (a TLS layer's) hands it over uncopied. Callers append to the other queue until the write ends.
        int written = _batch.Length;
        FlushResult result;
        try
        {
            result = await _output.WriteAsync(_batch.Memory).ConfigureAwait(false);
        }
        finally
        {
            _batch.Clear();
        }

        ReleaseRoom(written);
        AmpInstruments.BytesSent(written);
        if (result.IsCompleted)
        {
            // The reader of the transport's output ended without an error: the peer closed the connection
            // (an in-memory peer completes the pipe it reads). A close, as the read side reports the same end.
            throw new AmpLayerException(AmpDisconnectReason.RemoteClosed, "The peer closed the connection: the transport stopped accepting writes.");
        }

        if (result.IsCanceled)
        {
            throw new IOException("The write to the transport was cancelled.");
        }
    }

    /// <summary>Reports the slot's box flushed and waits until its change is settled; false when writing is over.</summary>
    private async Task<bool> ParkAsync(ChangeSlot slot)
    {
        Task wake;
        lock (_lock)
        {
            if (_slots.Count == 0 || !ReferenceEquals(_slots[0], slot) || slot.Offset != 0)
            {
                // Something was put before it meanwhile (the peer's change, or an answer to go out now).
                return true;
            }

            _parkWake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wake = _parkWake.Task;
            slot.MarkFlushed();
        }

        if (await Task.WhenAny(slot.Outcome, wake).ConfigureAwait(false) != slot.Outcome)
        {
            return true;
        }

        SlotOutcome outcome = await slot.Outcome.ConfigureAwait(false);
        List<ulong>? dropped = null;
        Exception? droppedWith = null;
        lock (_lock)
        {
            _parkWake = null;
            switch (outcome)
            {
                case SlotOutcome.Reexamine:
                    return true;
                case SlotOutcome.Resume:
                    _output = slot.NewOutput!;
                    break;
                case SlotOutcome.HandOver:
                    _closedReason ??= new AmpConnectionLostException(AmpDisconnectReason.ProtocolSwitched, "The connection was handed to another protocol.");
                    _queue.Clear();
                    _slots.Clear();
                    _switchSlots = 0;
                    break;
                case SlotOutcome.Stop:
                    _draining = false;
                    if (!_completing)
                    {
                        return false;
                    }

                    // Closing: only what came before the first change is written (StopAtFirstSlot cut the rest).
                    return true;
            }

            if (_slots.Count > 0 && ReferenceEquals(_slots[0], slot))
            {
                droppedWith = slot.DropHeldBoxesWith;
                dropped = RemoveSlotLocked(0);
            }
        }

        ReportDropped(dropped, droppedWith);
        if (slot.RefusedWith is { } refusal)
        {
            slot.Request?.Fail(refusal);
        }

        if (outcome == SlotOutcome.HandOver)
        {
            _completed.TrySetResult();
            return false;
        }

        return true;
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
