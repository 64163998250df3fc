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
        List<ulong>? dropped = null;
        lock (_lock)
        {
            if (!slot.TryMove(SlotState.Queued, SlotState.Withdrawn))
            {
                return false;
            }

            slot.DropHeldBoxesWith = dropHeldWith;
            int index = _slots.IndexOf(slot);
            if (index >= 0)
            {
                // Out of the queue at once: boxes queued from now on are not held for a change that will not happen.
                dropped = RemoveSlotLocked(index);
            }
            else if (slot.RefusesCalls)
            {
                slot.RefusesCalls = false;
                _switchSlots--;
            }
        }

        ReportDropped(dropped, dropHeldWith);
        Kick();
        return true;
    }

    /// <summary>
    /// Queues a box ahead of the boxes held for this side's pending change: it goes out now, in the
    /// current layer (a refusal of the peer's change must reach it while both sides still speak this layer).
    /// </summary>
    public void EnqueueBeforeHeld(ReadOnlySpan<byte> box)
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            ThrowIfClosed();
            int index = _slots.FindIndex(static s => s.IsLocal && s.State is SlotState.Queued or SlotState.Sent);
            if (index < 0)
            {
                wake = null;
                _queue.Append(box);
            }
            else
            {
                int at = _slots[index].Offset;
                var rebuilt = new ByteQueue();
                rebuilt.Append(_queue.Span.Slice(0, at));
                rebuilt.Append(box);
                rebuilt.Append(_queue.Span.Slice(at));
                _queue = rebuilt;
                for (int i = index; i < _slots.Count; i++)
                {
                    _slots[i].Offset += box.Length;
                    _slots[i].Unpark();
                }

                wake = _parkWake;
                _parkWake = null;
            }

            _inFlight += box.Length;
            _boxesQueued++;
        }

        // A writer parked on our change wakes to write it before going back to waiting.
        wake?.TrySetResult();
        Kick();
    }

    /// <summary>Fails the calls whose boxes were dropped (outside the lock).</summary>
    public void ReportDropped(List<ulong>? tags, Exception? reason)
    {
        if (tags is { Count: > 0 } && reason is not null)
        {
            HeldCallsDropped?.Invoke(tags, reason);
        }
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
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("The transport stopped accepting writes.");
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

    /// <summary>
    /// Removes the slot at <paramref name="index"/>. If the boxes held for it must not go below (its change
    /// did not happen), they are replaced: answers become bare <c>UNKNOWN</c> errors, calls are dropped and
    /// returned for failing. Otherwise they now belong to the change before it, if any.
    /// </summary>
    private List<ulong>? RemoveSlotLocked(int index)
    {
        ChangeSlot slot = _slots[index];
        _slots.RemoveAt(index);
        if (slot.RefusesCalls)
        {
            slot.RefusesCalls = false;
            _switchSlots--;
        }

        if (slot.DropHeldBoxesWith is null)
        {
            if (index > 0 && slot.HeldCalls is { } calls)
            {
                (_slots[index - 1].HeldCalls ??= new List<ulong>()).AddRange(calls);
            }

            return null;
        }

        int start = slot.Offset;
        int end = index < _slots.Count ? _slots[index].Offset : _queue.Length;
        var rebuilt = new ByteQueue();
        rebuilt.Append(_queue.Span.Slice(0, start));
        _boxesQueued += HeldBoxes.AppendErrorsFor(_queue.Span.Slice(start, end - start), rebuilt);
        rebuilt.Append(_queue.Span.Slice(end));
        int shift = rebuilt.Length - _queue.Length;
        _inFlight += shift;
        _queue = rebuilt;
        for (int i = index; i < _slots.Count; i++)
        {
            _slots[i].Offset += shift;
        }

        return slot.HeldCalls;
    }

    /// <summary>Removes a slot under <see cref="WithSlots{T}"/> (the peer's change took its place).</summary>
    public List<ulong>? RemoveSlotUnderLock(ChangeSlot slot) => RemoveSlotLocked(_slots.IndexOf(slot));

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
