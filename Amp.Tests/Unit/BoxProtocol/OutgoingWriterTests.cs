using System.Buffers;
using System.IO.Pipelines;
using Amp.BoxProtocol;
using Amp.Boxes;
using Amp.Layers;

namespace Amp.Tests.Unit.BoxProtocol;

/// <summary>The writer alone, over plain pipes: batching, change slots, held boxes, refusal during a hand-over.</summary>
[CancelAfter(30_000)]
public sealed class OutgoingWriterTests
{
    private static readonly LayerChange s_push = LayerChange.Push("test", (_, _) => throw new NotSupportedException());
    private static readonly LayerChange s_pushKeepingHeld = LayerChange.Push("test", (_, _) => throw new NotSupportedException(), heldBoxesNeedTheNewLayer: false);

    [Test]
    public async Task BoxesQueuedTogetherLeaveInOrderInOneFlush(CancellationToken cancellationToken)
    {
        var output = new Pipe();
        var writer = new OutgoingWriter(output.Writer, 1 << 20, _ => { });
        writer.Cork();
        writer.Enqueue(Box("_command", "A"), 1, isCall: true);
        writer.Enqueue(Box("_command", "B"), 2, isCall: true);
        Assert.That(output.Reader.TryRead(out _), Is.False, "nothing is written while corked");
        writer.Uncork();

        Assert.That(await ReadBoxesAsync(output.Reader, 2, cancellationToken), Is.EqualTo(new[] { "A", "B" }));
    }

    [Test]
    public async Task ASlotWritesWhatCameBeforeItThenItsBoxThenHoldsTheRestForTheNewOutput(CancellationToken cancellationToken)
    {
        var below = new Pipe();
        var above = new Pipe();
        var writer = new OutgoingWriter(below.Writer, 1 << 20, _ => { });
        var slot = new ChangeSlot(s_push, Box("_command", "Change"), null);
        writer.Cork();
        writer.Enqueue(Box("_command", "Before"));
        writer.EnqueueSlot(slot);
        writer.Enqueue(Box("_command", "After"), 3, isCall: true);
        writer.Uncork();

        await slot.Flushed.WaitAsync(cancellationToken);
        Assert.That(await ReadBoxesAsync(below.Reader, 2, cancellationToken), Is.EqualTo(new[] { "Before", "Change" }));
        Assert.That(writer.HasSlots, Is.True);
        Assert.That(below.Reader.TryRead(out ReadResult nothing) && !nothing.Buffer.IsEmpty, Is.False, "the held box waits for the change");

        slot.Settle(SlotOutcome.Resume, above.Writer);
        Assert.That(await ReadBoxesAsync(above.Reader, 1, cancellationToken), Is.EqualTo(new[] { "After" }));
        writer.Enqueue(Box("_command", "Later"));
        Assert.That(await ReadBoxesAsync(above.Reader, 1, cancellationToken), Is.EqualTo(new[] { "Later" }));
        Assert.That(writer.HasSlots, Is.False);
    }

    [Test]
    public async Task AWithdrawnSlotSendsNothingAndHeldBoxesThatNeedTheLayerAreReplaced(CancellationToken cancellationToken)
    {
        var output = new Pipe();
        var writer = new OutgoingWriter(output.Writer, 1 << 20, _ => { });
        var dropped = new TaskCompletionSource<(IReadOnlyList<ulong> Tags, Exception Reason)>();
        writer.HeldCallsDropped = (tags, reason) => dropped.TrySetResult((tags.ToArray(), reason));
        var slot = new ChangeSlot(s_push, Box("_command", "Change"), null);
        writer.Cork();
        writer.Enqueue(Box("_command", "Before"), 1, isCall: true);
        writer.EnqueueSlot(slot);
        writer.Enqueue(Box("_command", "HeldCall", "_ask", "2"), 2, isCall: true);
        writer.Enqueue(Box("_answer", "9", "secret", "x"));
        var reason = new InvalidOperationException("withdrawn");
        Assert.That(writer.TryWithdraw(slot, reason), Is.True);
        Assert.That(writer.TryWithdraw(slot, reason), Is.False, "only once");
        writer.Uncork();

        (IReadOnlyList<ulong> tags, Exception why) = await dropped.Task.WaitAsync(cancellationToken);
        Assert.That(tags, Is.EqualTo(new ulong[] { 2 }));
        Assert.That(why, Is.SameAs(reason));
        List<AmpBox> boxes = await ReadAmpBoxesAsync(output.Reader, 2, cancellationToken);
        Assert.That(boxes[0].GetString("_command"), Is.EqualTo("Before"));
        Assert.That(boxes[1].GetString("_error"), Is.EqualTo("9"), "the held answer became a bare error");
        Assert.That(boxes[1].GetString("_error_code"), Is.EqualTo("UNKNOWN"));
        Assert.That(boxes[1].ContainsKey("secret"), Is.False);
    }

    [Test]
    public async Task ARefusedSlotReleasesHeldBoxesWhenTheyDoNotNeedTheLayer(CancellationToken cancellationToken)
    {
        var output = new Pipe();
        var writer = new OutgoingWriter(output.Writer, 1 << 20, _ => { });
        var slot = new ChangeSlot(s_pushKeepingHeld, Box("_command", "Change"), null);
        writer.EnqueueSlot(slot);
        writer.Enqueue(Box("_command", "Held"), 5, isCall: true);
        await slot.Flushed.WaitAsync(cancellationToken);
        slot.TryMove(SlotState.Sent, SlotState.Done);
        slot.Settle(SlotOutcome.Unchanged);

        Assert.That(await ReadBoxesAsync(output.Reader, 2, cancellationToken), Is.EqualTo(new[] { "Change", "Held" }));
    }

    [Test]
    public async Task AHandOverRefusesCallsButHoldsAnswersAndDropsThemWhenItHappens(CancellationToken cancellationToken)
    {
        var output = new Pipe();
        var writer = new OutgoingWriter(output.Writer, 1 << 20, _ => { });
        var slot = new ChangeSlot(LayerChange.HandOver(), Box("_command", "Switch"), null);
        writer.EnqueueSlot(slot);
        Assert.That(writer.RefusesCalls, Is.True);
        Assert.Throws<AmpProtocolSwitchedException>(() => writer.Enqueue(Box("_command", "Call"), 7, isCall: true));
        writer.Enqueue(Box("_answer", "3"));
        await slot.Flushed.WaitAsync(cancellationToken);
        slot.Settle(SlotOutcome.HandOver);
        await writer.Completed.WaitAsync(cancellationToken);

        Assert.That(await ReadBoxesAsync(output.Reader, 1, cancellationToken), Is.EqualTo(new[] { "Switch" }));
        Assert.That(output.Reader.TryRead(out ReadResult rest) ? rest.Buffer.Length : 0, Is.Zero, "the held answer never went out");
        Assert.Throws<AmpConnectionLostException>(() => writer.Enqueue(Box("_answer", "4")));
    }

    [Test]
    public async Task StoppingAtTheFirstSlotKeepsOnlyWhatCameBeforeIt(CancellationToken cancellationToken)
    {
        var output = new Pipe();
        var writer = new OutgoingWriter(output.Writer, 1 << 20, _ => { });
        var slot = new ChangeSlot(s_push, Box("_command", "Change"), null);
        writer.Cork();
        writer.Enqueue(Box("_command", "Before"));
        writer.EnqueueSlot(slot);
        writer.Enqueue(Box("_command", "Held"));
        List<ChangeSlot> stopped = writer.StopAtFirstSlot();
        var lost = new AmpConnectionLostException(AmpDisconnectReason.LocallyClosed, "closed");
        Task completed = writer.CompleteAsync(lost);
        writer.Uncork();
        await completed.WaitAsync(cancellationToken);

        Assert.That(stopped, Is.EqualTo(new[] { slot }));
        Assert.That(await ReadBoxesAsync(output.Reader, 1, cancellationToken), Is.EqualTo(new[] { "Before" }));
        ReadResult end = await output.Reader.ReadAsync(cancellationToken);
        Assert.That(end.IsCompleted && end.Buffer.IsEmpty, Is.True, "neither the change's box nor the held box was written");
    }

    [Test]
    public async Task APeerSlotPutBeforeAParkedOneIsWrittenFirst(CancellationToken cancellationToken)
    {
        var below = new Pipe();
        var above = new Pipe();
        var writer = new OutgoingWriter(below.Writer, 1 << 20, _ => { });
        var ours = new ChangeSlot(s_push, Box("_command", "Ours"), null);
        writer.EnqueueSlot(ours);
        writer.Enqueue(Box("_command", "Held"));
        await ours.Flushed.WaitAsync(cancellationToken);

        // The peer's change won the tie-break: its answer takes our change's place, ours is superseded.
        var peer = new ChangeSlot(s_push, Box("_answer", "1"), null);
        writer.WithSlots(slots =>
        {
            writer.InsertPeerSlotLocked(0, peer);
            ours.TryMove(SlotState.Sent, SlotState.Superseded);
            return 0;
        });
        ours.Settle(SlotOutcome.Reexamine);
        await peer.Flushed.WaitAsync(cancellationToken);
        peer.Settle(SlotOutcome.Resume, above.Writer);

        Assert.That(await ReadAmpBoxesAsync(below.Reader, 2, cancellationToken), Has.Count.EqualTo(2));
        Assert.That(await ReadBoxesAsync(above.Reader, 1, cancellationToken), Is.EqualTo(new[] { "Held" }));
        Assert.That(writer.HasSlots, Is.False);
    }

    [Test]
    public async Task AnAnswerPutAheadOfHeldBoxesNeverMakesTheWriterSkipTheNewTopOfAChangeBeingMade(CancellationToken cancellationToken)
    {
        var below = new Pipe();
        var above = new Pipe();
        var writer = new OutgoingWriter(below.Writer, 1 << 20, _ => { });
        var peers = new ChangeSlot(s_push, Box("_answer", "peer's change"), null);
        writer.WithSlots(_ =>
        {
            writer.InsertPeerSlotLocked(0, peers);
            return 0;
        });
        writer.Kick();
        await peers.Flushed.WaitAsync(cancellationToken);

        // Our own change waits behind the peer's, and the peer's is being made (as MakeChangeAsync marks it).
        (Amp.Transports.InMemoryTransport end, Amp.Transports.InMemoryTransport other) = Amp.Transports.InMemoryTransport.CreatePair();
        await using BinaryBoxProtocol owner = BinaryBoxProtocol.Start(end, new NoBoxes());
        await using Amp.Transports.InMemoryTransport _ = other;
        ChangeSlot ours = new LayerChangeRequest(owner, s_push, Box("_command", "Ours")).Slot;
        writer.EnqueueSlot(ours);
        peers.TryMove(SlotState.Sent, SlotState.Done);

        // A refusal of another change of the peer's goes ahead of the boxes held for ours: it belongs after the
        // peer's change, in its new layer, even though it wakes the writer parked on that change.
        writer.EnqueueBeforeHeld(Box("_error", "7", "_error_code", "NO", "_error_description", "no"));
        peers.Settle(SlotOutcome.Resume, above.Writer);

        List<AmpBox> inNewLayer = await ReadAmpBoxesAsync(above.Reader, 2, cancellationToken);
        Assert.That(inNewLayer[0].GetString("_error"), Is.EqualTo("7"));
        Assert.That(inNewLayer[1].GetString("_command"), Is.EqualTo("Ours"));
        Assert.That(await ReadAmpBoxesAsync(below.Reader, 1, cancellationToken), Has.Count.EqualTo(1), "only the answer to the peer's change below");
    }

    private sealed class NoBoxes : IBoxReceiver
    {
        public bool TryReceiveBox(in AmpBoxView box) => true;

        public void ConnectionEnded(AmpConnectionLostException reason)
        {
        }
    }

    private static byte[] Box(params string[] pairs)
    {
        var box = new AmpBox();
        for (int i = 0; i < pairs.Length; i += 2)
        {
            box.SetString(pairs[i], pairs[i + 1]);
        }

        return BoxWriter.Serialize(box);
    }

    private static async Task<string[]> ReadBoxesAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        List<AmpBox> boxes = await ReadAmpBoxesAsync(reader, count, cancellationToken);
        return boxes.Select(b => b.ContainsKey("_command") ? b.GetString("_command")! : b.ContainsKey("_answer") ? "answer " + b.GetString("_answer") : "?").ToArray();
    }

    private static async Task<List<AmpBox>> ReadAmpBoxesAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        var boxes = new List<AmpBox>();
        while (boxes.Count < count)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (boxes.Count < count && BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? box))
            {
                boxes.Add(box);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted && boxes.Count < count)
            {
                throw new InvalidOperationException($"only {boxes.Count} of {count} boxes were written");
            }
        }

        return boxes;
    }
}
