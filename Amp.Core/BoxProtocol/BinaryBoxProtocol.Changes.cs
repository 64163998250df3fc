using Amp.Diagnostics;
using Amp.BoxProtocol;
using Amp.Layers;
using Amp.Transports;

namespace Amp;

// The layer-change state machine: every push, pop and hand-over, ours or the peer's, goes through here.
public sealed partial class BinaryBoxProtocol
{
    /// <summary>
    /// Asks for a layer change announced by <paramref name="box"/> (a command the peer answers). The box
    /// is queued behind every earlier box and change; once it is written, later boxes are held until the
    /// receiver settles the change with <see cref="LayerChangeRequest.Accept"/> or <see cref="LayerChangeRequest.Refuse"/>.
    /// </summary>
    /// <param name="box">The encoded box that asks the peer for the change.</param>
    /// <param name="change">The change this side makes when the peer agrees.</param>
    /// <param name="cancellationToken">Withdraws the change while its box is unwritten; later it only stops nothing (see <see cref="LayerChangeRequest"/>).</param>
    /// <returns>The request.</returns>
    /// <exception cref="AmpConnectionLostException">The protocol has ended.</exception>
    /// <exception cref="AmpProtocolSwitchedException">A hand-over is pending.</exception>
    public LayerChangeRequest RequestLayerChange(ReadOnlySpan<byte> box, LayerChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var request = new LayerChangeRequest(this, change, box);
        Submit(request, cancellationToken);
        return request;
    }

    /// <summary>Queues a request made beforehand (so its owner can know it before its answer can arrive).</summary>
    internal void Submit(LayerChangeRequest request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            request.Fail(new OperationCanceledException(cancellationToken));
            return;
        }

        _writer.EnqueueSlot(request.Slot);
        request.WatchCancellation(cancellationToken);
    }

    /// <summary>
    /// Hands the connection to another protocol without a command (Twisted ticket 5015): the box layer
    /// stops at a box boundary (right after the box being received when called from the receiver, else
    /// before anything more is parsed), boxes queued before are written, and the returned connection
    /// reads from exactly after the boundary. From this call on, sending is refused.
    /// </summary>
    /// <param name="cancellationToken">Withdraws the hand-over if the writer has not reached it yet; later, the switched stream is closed instead of returned.</param>
    /// <returns>The switched connection.</returns>
    /// <exception cref="AmpConnectionLostException">The protocol ended first.</exception>
    public async Task<AmpSwitchedConnection> HandOverAsync(CancellationToken cancellationToken = default)
    {
        var request = new LayerChangeRequest(this, LayerChange.HandOver(), ReadOnlySpan<byte>.Empty);
        cancellationToken.ThrowIfCancellationRequested();

        // Calls are refused from now on; the slot joins the queue at the boundary, behind the answers to every box read so far.
        _writer.RefuseCallsFor(request.Slot);
        _readLoop.RequestStop(request.Slot);
        request.WatchCancellation(cancellationToken);
        await request.Completion.ConfigureAwait(false);
        if (request.IsDetached)
        {
            // The stream was closed at the hand-over (see MakeChangeAsync): nobody was waiting for it.
            throw new OperationCanceledException(cancellationToken);
        }

        return SwitchedTo!;
    }

    /// <summary>
    /// The peer asks for <paramref name="change"/> and this side agrees: <paramref name="answer"/> is
    /// written, then the change is made before anything else is read or written. Call it from
    /// <see cref="Boxes.IBoxReceiver.TryReceiveBox"/> while handling the peer's request.
    /// </summary>
    /// <param name="answer">The encoded answer to the peer's request.</param>
    /// <param name="change">The change to make after the answer.</param>
    /// <returns>
    /// <see langword="false"/> when a change of ours crosses the peer's and ours wins the tie-break: answer
    /// the peer with the error code <see cref="AmpErrorCodes.LayerChangeConflict"/> instead (nothing was queued).
    /// </returns>
    /// <exception cref="InvalidOperationException">Not called from <see cref="Boxes.IBoxReceiver.TryReceiveBox"/>.</exception>
    public bool TryAcceptPeerChange(ReadOnlySpan<byte> answer, LayerChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!_readLoop.IsReceivingOnThisThread)
        {
            throw new InvalidOperationException("The peer's layer change can be accepted only while its box is being received (from IBoxReceiver.TryReceiveBox).");
        }

        var slot = new ChangeSlot(change, answer.ToArray(), null);
        AmpTransportRole role = Transport.Role;
        List<ulong>? dropped = null;
        (Crossing crossing, ChangeSlot? ours) = _writer.WithSlots(slots => Decide(slots, slot, role, out dropped));
        _writer.ReportDropped(dropped, ours?.DropHeldBoxesWith);
        switch (crossing)
        {
            case Crossing.OursWins:
                return false;
            case Crossing.Unresolvable:
                var conflict = new AmpProtocolException(AmpProtocolError.LayerChangeConflict,
                    $"both sides asked for a layer change at once (ours: {ours!.Change}, the peer's: {change}) over a transport that does not say which side connected ({Transport.Description}); give the transport a role");
                End(AmpDisconnectReason.ProtocolViolation, conflict.Message, conflict);
                return false;
            case Crossing.OursWithdrawn:
                ours!.MarkFlushed();
                ours.Request!.Fail(new AmpLayerChangeConflictException($"The peer asked for a layer change ({change}) at the same moment, and its change wins: this side's ({ours.Change}) was withdrawn before it was sent."));
                break;
            case Crossing.OursSuperseded:
                // Known now, whatever the peer answers later (its refusal is then dropped; after a switch nothing comes at all).
                ours!.Request!.Fail(new AmpLayerChangeConflictException($"The peer asked for a layer change ({change}) at the same moment, and its change wins: this side's ({ours.Change}) will be refused."));
                break;
        }

        _writer.Kick();
        _readLoop.SetBarrier(slot);
        return true;
    }

    /// <summary>Decides, under the writer's lock, how the peer's change meets ours (see spec §13.3).</summary>
    private (Crossing, ChangeSlot?) Decide(List<ChangeSlot> slots, ChangeSlot peer, AmpTransportRole role, out List<ulong>? dropped)
    {
        dropped = null;
        int index = slots.FindIndex(static s => s.IsLocal && s.State is SlotState.Queued or SlotState.Sent);
        if (index < 0)
        {
            return (InsertPeer(slots.Count), null);
        }

        ChangeSlot ours = slots[index];
        if (ours.Change.Kind == LayerChangeKind.HandOver && ours.Box.Length == 0)
        {
            // A hand-over without a command: this side stops speaking the box protocol whatever the peer asks.
            return (Crossing.OursWins, ours);
        }

        if (role == AmpTransportRole.Unspecified)
        {
            return (Crossing.Unresolvable, ours);
        }

        if (role == AmpTransportRole.Acceptor)
        {
            return (Crossing.OursWins, ours);
        }

        // The peer wins: its answer and change take our change's place. Boxes held for ours go into the
        // peer's new layer, unless they were meant for a new layer and the peer's change makes none.
        Exception? drop = ours.Change.HeldBoxesNeedTheNewLayer && peer.Change.Kind != LayerChangeKind.Push
            ? new AmpLayerChangeConflictException($"Not sent: this call was queued behind a layer change ({ours.Change}) that the peer's crossing change ({peer.Change}) overtook.")
            : null;
        InsertPeer(index);
        ours.DropHeldBoxesWith = drop;
        Crossing crossing;
        if (ours.TryMove(SlotState.Queued, SlotState.Withdrawn))
        {
            crossing = Crossing.OursWithdrawn;
        }
        else
        {
            ours.TryMove(SlotState.Sent, SlotState.Superseded);
            ours.Settle(SlotOutcome.Reexamine);
            crossing = Crossing.OursSuperseded;
        }

        // Ours leaves the queue now: the boxes held for it go into the peer's layer, or are dropped.
        dropped = _writer.RemoveSlotUnderLock(ours);
        return (crossing, ours);

        Crossing InsertPeer(int at)
        {
            _writer.InsertPeerSlotLocked(at, peer);
            return Crossing.PeerAccepted;
        }
    }

    internal void AcceptLocalChange(LayerChangeRequest request)
    {
        ChangeSlot slot = request.Slot;
        if (slot.State == SlotState.Superseded)
        {
            var violation = new AmpProtocolException(AmpProtocolError.LayerChangeNotRefused,
                $"the peer agreed to a layer change of ours ({slot.Change}) after its own crossing change had won the tie-break");
            End(AmpDisconnectReason.ProtocolViolation, "The peer broke the protocol: " + violation.Message, violation);
            return;
        }

        if (slot.State != SlotState.Sent)
        {
            throw new InvalidOperationException($"The layer change ({slot.Change}) cannot be accepted: it is {slot.State}.");
        }

        _readLoop.SetBarrier(slot);
    }

    internal void RefuseLocalChange(LayerChangeRequest request, Exception reason)
    {
        ChangeSlot slot = request.Slot;
        if (slot.TryMove(SlotState.Sent, SlotState.Done))
        {
            // Only what was queued while the change was pending is held for it: the boxes the read loop
            // answers from here on (before the writer wakes) go out as they are, in this layer.
            Exception? drop = slot.Change.HeldBoxesNeedTheNewLayer ? reason : null;
            _writer.ReportDropped(_writer.SettleHeldOfRefused(slot, drop), drop);

            // The writer fails the request once it has gone on without the change, so a caller who sees
            // the refusal can send again at once (a refused switch no longer refuses calls).
            slot.RefusedWith = reason;
            slot.Settle(SlotOutcome.Unchanged);
        }
        else if (slot.TryMove(SlotState.Superseded, SlotState.Done))
        {
            request.Fail(reason);
        }
        else
        {
            throw new InvalidOperationException($"The layer change ({slot.Change}) cannot be refused: it is {slot.State}.");
        }
    }

    /// <summary>A caller cancelled: withdraw the change if its box is unwritten, else only detach the caller.</summary>
    internal bool TryWithdraw(LayerChangeRequest request, CancellationToken cancellationToken)
    {
        ChangeSlot slot = request.Slot;
        Exception? drop = slot.Change.HeldBoxesNeedTheNewLayer
            ? new AmpLayerChangeConflictException($"Not sent: this call was queued behind a layer change ({slot.Change}) that was cancelled before it was sent.")
            : null;
        if (!_writer.TryWithdraw(slot, drop))
        {
            return false;
        }

        slot.MarkFlushed();
        request.Fail(new OperationCanceledException(cancellationToken));
        return true;
    }

    /// <summary>
    /// Runs on the read loop at the barrier after the box that settled <paramref name="slot"/>: once the
    /// announcing box is written, makes the change and resumes the writer on the new top.
    /// </summary>
    /// <returns>Whether the read loop goes on (false after a hand-over or a failure).</returns>
    internal async Task<bool> MakeChangeAsync(ChangeSlot slot)
    {
        try
        {
            if (!slot.InWriter && slot.State == SlotState.Queued)
            {
                _writer.EnqueueSlot(slot);
            }

            await slot.Flushed.WaitAsync(Closing).ConfigureAwait(false);
            if (slot.State == SlotState.Withdrawn)
            {
                return !HasEnded;
            }

            slot.TryMove(SlotState.Sent, SlotState.Done);
            switch (slot.Change.Kind)
            {
                case LayerChangeKind.Push:
                    var context = new LayerPushContext(_stack.Top, Transport, _stack.Snapshot(), Name, LoggerFactory);
                    AmpLayer layer = await slot.Change.CreateLayerAsync(context, Closing).ConfigureAwait(false);
                    _stack.Push(layer);
                    slot.Settle(SlotOutcome.Resume, layer.Output);
                    AmpInstruments.LayerChanged("push");
                    break;
                case LayerChangeKind.Pop:
                    AmpLayer top = _stack.WritingTopLayer ?? throw new InvalidOperationException("There is no layer to pop.");
                    await top.CloseWritingAsync(Closing).ConfigureAwait(false);
                    slot.Settle(SlotOutcome.Resume, _stack.MarkWritingTopPopping().Output);
                    AmpInstruments.LayerChanged("pop");
                    break;
                default:
                    slot.Settle(SlotOutcome.HandOver);
                    await _writer.Completed.ConfigureAwait(false);
                    var switched = new AmpSwitchedConnection(_stack, Name);
                    if (!End(AmpDisconnectReason.ProtocolSwitched, "The connection was handed to another protocol.", null, handedOverTo: switched))
                    {
                        // The connection ended first (the answer could not be written, or it was closed), and that end
                        // closes the stream: nothing is handed over, so no switched connection exists that nobody would close.
                        slot.Request?.Fail(EndReason!);
                        return false;
                    }

                    if (slot.Request is { IsDetached: true })
                    {
                        // Whoever asked for the switch stopped waiting: nobody would own the stream, so it is closed.
                        await switched.DisposeAsync().ConfigureAwait(false);
                    }

                    AmpInstruments.LayerChanged("hand-over");
                    slot.Request?.Complete();
                    return false;
            }

            slot.Request?.Complete();
            return true;
        }
        catch (Exception e)
        {
            // End first, with this change's cause: the writer released afterwards must not report its own failure instead.
            AmpDisconnectReason reason = e is AmpLayerException layer ? layer.DisconnectReason
                : HasEnded ? EndReason!.Reason
                : AmpDisconnectReason.TransportError;
            if (e is AmpException and not AmpConnectionLostException)
            {
                // The layer's own failure (a TLS handshake refused, say) is what the caller gets.
                slot.Request?.Fail(e);
            }

            End(reason, $"The layer change ({slot.Change}) failed: {e.Message}", e);

            // Anything else (the transport failing under the change) reaches the caller as the connection's loss.
            slot.Request?.Fail(EndReason!);
            slot.Settle(SlotOutcome.Stop);
            return false;
        }
    }

    private Exception? CheckBeforeSending(ChangeSlot slot)
    {
        AmpLayer[] layers = _stack.WritingLayers();
        string? why = DepthLimitReached(slot.Change, layers.Length) ?? slot.Change.Check(layers);
        return why is null ? null : new InvalidOperationException($"The layer change ({slot.Change}) cannot be made: {why}; the connection's layers are: {_stack.Describe()}.");
    }

    /// <summary>Why the peer's <paramref name="change"/> is refused with <see cref="AmpErrorCodes.LayerDepthLimit"/>, or null.</summary>
    internal string? RefusePeerChangeForDepth(LayerChange change) => DepthLimitReached(change, _stack.WritingLayers().Length);

    private string? DepthLimitReached(LayerChange change, int depth) =>
        change.Kind == LayerChangeKind.Push && depth >= _maxLayerDepth
            ? $"the connection already has {depth} layer{(depth == 1 ? string.Empty : "s")}, the most its MaxLayerDepth ({_maxLayerDepth}) allows"
            : null;

    /// <summary>
    /// Whether a change of the peer's arriving now would be refused because a change of ours crosses it
    /// and wins; responders are then not run at all. (A change of ours asked for between this and
    /// <see cref="TryAcceptPeerChange"/> can still win, in which case the answer is replaced by the refusal.)
    /// </summary>
    internal bool WouldRefusePeerChange()
    {
        AmpTransportRole role = Transport.Role;
        return _writer.WithSlots(slots =>
        {
            ChangeSlot? ours = slots.Find(static s => s.IsLocal && s.State is SlotState.Queued or SlotState.Sent);
            return ours is not null && (role == AmpTransportRole.Acceptor || (ours.Change.Kind == LayerChangeKind.HandOver && ours.Box.Length == 0));
        });
    }

    private enum Crossing
    {
        PeerAccepted,
        OursWins,
        OursWithdrawn,
        OursSuperseded,
        Unresolvable,
    }
}
