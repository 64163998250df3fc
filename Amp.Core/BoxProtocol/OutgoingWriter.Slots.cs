namespace Amp.BoxProtocol;

// The change slots and the boxes held behind them: withdrawing, answering ahead of held boxes, replacing held boxes.
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

    /// <summary>
    /// Removes the slot at <paramref name="index"/>. If the boxes held for it must not go below (its change
    /// did not happen), they are replaced (see <see cref="ReplaceHeldLocked"/>) and the held calls returned
    /// for failing. Otherwise they now belong to the change before it, if any.
    /// </summary>
    private List<ulong>? RemoveSlotLocked(int index)
    {
        ChangeSlot slot = _slots[index];
        List<ulong>? dropped = slot.DropHeldBoxesWith is null ? null : ReplaceHeldLocked(index);
        _slots.RemoveAt(index);
        if (slot.RefusesCalls)
        {
            slot.RefusesCalls = false;
            _switchSlots--;
        }

        if (slot.DropHeldBoxesWith is null && index > 0 && slot.HeldCalls is { } calls)
        {
            (_slots[index - 1].HeldCalls ??= new List<ulong>()).AddRange(calls);
        }

        return dropped;
    }

    /// <summary>
    /// Replaces the boxes held for the slot at <paramref name="index"/> (from its offset to the next slot's,
    /// or the end of the queue): answers become bare <c>UNKNOWN</c> errors, calls are dropped; returns the
    /// tags of the dropped calls. The slot holds nothing afterwards.
    /// </summary>
    private List<ulong>? ReplaceHeldLocked(int index)
    {
        ChangeSlot slot = _slots[index];
        int start = slot.Offset;
        int end = index + 1 < _slots.Count ? _slots[index + 1].Offset : _queue.Length;
        var rebuilt = new ByteQueue();
        rebuilt.Append(_queue.Span.Slice(0, start));
        _boxesQueued += HeldBoxes.AppendErrorsFor(_queue.Span.Slice(start, end - start), rebuilt);
        rebuilt.Append(_queue.Span.Slice(end));
        int shift = rebuilt.Length - _queue.Length;
        _inFlight += shift;
        _queue = rebuilt;
        for (int i = index + 1; i < _slots.Count; i++)
        {
            _slots[i].Offset += shift;
        }

        List<ulong>? calls = slot.HeldCalls;
        slot.HeldCalls = null;
        return calls;
    }

    /// <summary>
    /// The peer refused a change of ours: the boxes held for it so far are settled now, under the lock (with
    /// <paramref name="dropWith"/> set, replaced as in <see cref="ReplaceHeldLocked"/>; otherwise left to go
    /// out below). The slot stays until the writer parked on it wakes, but from now on it holds nothing: the
    /// read loop goes on reading the peer's boxes sent after its refusal, and the answers to them, queued
    /// before the writer wakes, were never held for the change.
    /// </summary>
    /// <returns>The tags of the held calls that were dropped, to fail with <paramref name="dropWith"/>.</returns>
    public List<ulong>? SettleHeldOfRefused(ChangeSlot slot, Exception? dropWith)
    {
        lock (_lock)
        {
            int index = _slots.IndexOf(slot);
            if (index < 0 || dropWith is null)
            {
                return null;
            }

            return ReplaceHeldLocked(index);
        }
    }

    /// <summary>Removes a slot under <see cref="WithSlots{T}"/> (the peer's change took its place).</summary>
    public List<ulong>? RemoveSlotUnderLock(ChangeSlot slot) => RemoveSlotLocked(_slots.IndexOf(slot));
}
