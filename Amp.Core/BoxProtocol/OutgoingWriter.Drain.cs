using System.Buffers;
using System.IO.Pipelines;

namespace Amp.BoxProtocol;

internal sealed partial class OutgoingWriter
{
    /// <summary>
    /// Withdraws a slot whose box has not been written (under the writer's lock, so the writer either
    /// writes it or sees it withdrawn, never both). Boxes held for it are dropped with <paramref name="dropHeldWith"/> if set.
    /// </summary>
    public bool TryWithdraw(ChangeSlot slot, Exception? dropHeldWith)
    {
        lock (_lock)
        {
            if (!slot.TryMove(SlotState.Queued, SlotState.Withdrawn))
            {
                return false;
            }

            slot.DropHeldBoxesWith = dropHeldWith;
            if (!slot.InWriter && slot.RefusesCalls)
            {
                slot.RefusesCalls = false;
                _switchSlots--;
            }
        }

        Kick();
        return true;
    }

    /// <summary>
    /// The connection ended: nothing queued at or after the first slot is written (it was held for a
    /// change that will not happen), and a writer parked on a slot stops.
    /// </summary>
    public List<ChangeSlot> StopAtFirstSlot()
    {
        List<ChangeSlot> slots;
        lock (_lock)
        {
            slots = new List<ChangeSlot>(_slots);
            if (_slots.Count > 0)
            {
                int keep = _slots[0].Offset;
                _inFlight -= _queue.Length - keep;
                _queue.Truncate(keep);
                _slots.Clear();
            }
        }

        foreach (ChangeSlot slot in slots)
        {
            slot.Settle(SlotOutcome.Stop);
        }

        return slots;
    }

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
                                parkOn = head;
                            }
                            else
                            {
                                head.TryMove(SlotState.Queued, SlotState.Withdrawn);
                                head.DropHeldBoxesWith = head.Change.HeldBoxesNeedTheNewLayer ? refused : null;
                                (withdrawn, withdrawnBecause) = (head, refused);
                            }
                        }
                        else if (head.State == SlotState.Sent)
                        {
                            parkOn = head;
                        }
                        else
                        {
                            // Withdrawn, superseded or done: its boxes go on below, unless they must not.
                            (dropped, droppedWith) = RemoveHeadLocked();
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
                if (dropped is not null)
                {
                    HeldCallsDropped?.Invoke(dropped, droppedWith!);
                }

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

    /// <summary>Reports the slot's box flushed and waits until its change is settled; false when writing is over.</summary>
    private async Task<bool> ParkAsync(ChangeSlot slot)
    {
        slot.MarkFlushed();
        SlotOutcome outcome = await slot.Outcome.ConfigureAwait(false);
        List<ulong>? dropped = null;
        Exception? droppedWith = null;
        lock (_lock)
        {
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
                (dropped, droppedWith) = RemoveHeadLocked();
            }
        }

        if (dropped is not null)
        {
            HeldCallsDropped?.Invoke(dropped, droppedWith!);
        }

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

    /// <summary>
    /// Removes the first slot. If the boxes held for it must not go below (its change did not happen),
    /// they are replaced: answers become bare <c>UNKNOWN</c> errors, calls are dropped and returned for failing.
    /// </summary>
    private (List<ulong>? Dropped, Exception? Reason) RemoveHeadLocked()
    {
        ChangeSlot head = _slots[0];
        _slots.RemoveAt(0);
        if (head.RefusesCalls)
        {
            head.RefusesCalls = false;
            _switchSlots--;
        }

        if (head.DropHeldBoxesWith is not { } reason)
        {
            return (null, null);
        }

        int held = _slots.Count > 0 ? _slots[0].Offset : _queue.Length;
        var replies = new ByteQueue();
        _boxesQueued += HeldBoxes.AppendErrorsFor(_queue.Span.Slice(0, held), replies);
        replies.Append(_queue.Span.Slice(held));
        _inFlight += replies.Length - _queue.Length;
        int shift = replies.Length - _queue.Length;
        _queue = replies;
        foreach (ChangeSlot slot in _slots)
        {
            slot.Offset += shift;
        }

        return (head.HeldCalls, reason);
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
