using System.Buffers;
using System.IO.Pipelines;
using Amp.Boxes;
using Amp.Layers;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Unit.BoxProtocol;

/// <summary>
/// The box layer on its own, without commands: a scripted receiver on one side, raw bytes on the other.
/// Covers reading (every split), pausing, and the layer-change state machine's transitions.
/// </summary>
[CancelAfter(30_000)]
public sealed class BinaryBoxProtocolTests
{
    [TestCase(null)]
    [TestCase(1)]
    [TestCase(3)]
    public async Task BoxesArriveInOrderWhateverTheSplitAndGoOutAsSent(int? bytesPerRead, CancellationToken cancellationToken)
    {
        var receiver = new ScriptedReceiver();
        (InMemoryTransport ours, InMemoryTransport raw) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = bytesPerRead });
        await using BinaryBoxProtocol protocol = BinaryBoxProtocol.Start(ours, receiver);
        await raw.Output.WriteAsync(Concat(Box("n", "1"), Box("n", "2"), Box("n", "3")), cancellationToken);

        Assert.That(await receiver.TakeAsync(3, cancellationToken), Is.EqualTo(new[] { "1", "2", "3" }));
        protocol.SendBox(Box("n", "out"));
        Assert.That((await ReadBoxAsync(raw.Input, cancellationToken)).GetString("n"), Is.EqualTo("out"));
        Assert.That(protocol.State, Is.EqualTo(BoxProtocolState.Open));
    }

    [Test]
    public async Task ARefusedBoxPausesReadingAndIsOfferedAgainAfterResume(CancellationToken cancellationToken)
    {
        var receiver = new ScriptedReceiver { Refuse = "2" };
        (InMemoryTransport ours, InMemoryTransport raw) = InMemoryTransport.CreatePair();
        await using BinaryBoxProtocol protocol = BinaryBoxProtocol.Start(ours, receiver);
        await raw.Output.WriteAsync(Concat(Box("n", "1"), Box("n", "2"), Box("n", "3")), cancellationToken);

        Assert.That(await receiver.TakeAsync(1, cancellationToken), Is.EqualTo(new[] { "1" }));
        await receiver.Refused.Task.WaitAsync(cancellationToken);
        Assert.That(receiver.Received, Is.EqualTo(1), "nothing after the refused box is offered");
        receiver.Refuse = null;
        protocol.ResumeReading();
        Assert.That(await receiver.TakeAsync(2, cancellationToken), Is.EqualTo(new[] { "2", "3" }));
    }

    [Test]
    public async Task APeerChangeIsAcceptedOnlyFromTheReceiverAndSwitchesBothDirectionsAtTheBoundary(CancellationToken cancellationToken)
    {
        BinaryBoxProtocol? protocol = null;
        var receiver = new ScriptedReceiver
        {
            OnBox = box => box.GetString("n") == "xor"
                && protocol!.TryAcceptPeerChange(Box("n", "ok"), LayerChange.Push("xor", (context, _) => ValueTask.FromResult<AmpLayer>(new XorLayer(context.Below, 0x5a)))),
        };
        (InMemoryTransport ours, InMemoryTransport raw) = InMemoryTransport.CreatePair();
        protocol = BinaryBoxProtocol.Start(ours, receiver);
        await using BinaryBoxProtocol _ = protocol;
        await using PeerEnd end = new(raw);   // disposed first: the test layer's pump ends with the peer's stream
        Assert.Throws<InvalidOperationException>(() => protocol.TryAcceptPeerChange(Box("n", "ok"), LayerChange.HandOver()));

        // The box after the change is already in flight, xored: it must be read through the new layer.
        await raw.Output.WriteAsync(Concat(Box("n", "xor"), Xor(Box("n", "inside"), 0x5a)), cancellationToken);
        Assert.That(await receiver.TakeAsync(2, cancellationToken), Is.EqualTo(new[] { "xor", "inside" }));
        Assert.That((await ReadBoxAsync(raw.Input, cancellationToken)).GetString("n"), Is.EqualTo("ok"), "the answer goes out below the new layer");
        protocol.SendBox(Box("n", "after"));
        ReadResult result = await raw.Input.ReadAtLeastAsync(Box("n", "after").Length, cancellationToken);
        Assert.That(result.Buffer.Slice(0, Box("n", "after").Length).ToArray(), Is.EqualTo(Xor(Box("n", "after"), 0x5a)));
        raw.Input.AdvanceTo(result.Buffer.GetPosition(Box("n", "after").Length));
        Assert.That(protocol.LayerDepth, Is.EqualTo(1));
    }

    [Test]
    public async Task ALocalChangeHoldsLaterBoxesAndAWithdrawnOneBehindItSendsNothing(CancellationToken cancellationToken)
    {
        var receiver = new ScriptedReceiver();
        (InMemoryTransport ours, InMemoryTransport raw) = InMemoryTransport.CreatePair();
        await using BinaryBoxProtocol protocol = BinaryBoxProtocol.Start(ours, receiver);
        LayerChangeRequest first = protocol.RequestLayerChange(Box("n", "first"), LayerChange.Push("p", (_, _) => throw new NotSupportedException(), heldBoxesNeedTheNewLayer: false));
        using var cancel = new CancellationTokenSource();
        LayerChangeRequest second = protocol.RequestLayerChange(Box("n", "second"), LayerChange.Push("p", (_, _) => throw new NotSupportedException()), cancel.Token);
        protocol.SendBox(Box("n", "held"));
        Assert.That(protocol.State, Is.EqualTo(BoxProtocolState.Holding));
        Assert.That((await ReadBoxAsync(raw.Input, cancellationToken)).GetString("n"), Is.EqualTo("first"));
        Assert.That(first.WasSent, Is.True);
        Assert.That(second.WasSent, Is.False, "the second change waits for the first");

        cancel.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() => second.Completion.WaitAsync(cancellationToken));

        // The peer refuses the first: the stack is unchanged; the withdrawn second sent nothing, and the
        // box held behind it (it needed the new layer) never goes out.
        receiver.OnBox = _ =>
        {
            first.Refuse(new AmpRemoteException("NO", "refused"));
            return true;
        };
        await raw.Output.WriteAsync(Box("n", "refusal"), cancellationToken);
        Assert.CatchAsync<AmpRemoteException>(() => first.Completion.WaitAsync(cancellationToken));
        protocol.SendBox(Box("n", "open again"));
        Assert.That((await ReadBoxAsync(raw.Input, cancellationToken)).GetString("n"), Is.EqualTo("open again"));
        Assert.That(protocol.State, Is.EqualTo(BoxProtocolState.Open));
        Assert.That(protocol.LayerDepth, Is.Zero);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task CrossingChangesAreWonByTheAcceptor(bool weAccepted, CancellationToken cancellationToken)
    {
        BinaryBoxProtocol? protocol = null;
        bool? accepted = null;
        LayerChange peerChange = LayerChange.Push("xor", (context, _) => ValueTask.FromResult<AmpLayer>(new XorLayer(context.Below, 0x11)));
        var receiver = new ScriptedReceiver { OnBox = _ => (accepted = protocol!.TryAcceptPeerChange(Box("n", "ok"), peerChange)) is bool };
        (InMemoryTransport initiator, InMemoryTransport acceptor) = InMemoryTransport.CreatePair();
        (InMemoryTransport ours, InMemoryTransport raw) = weAccepted ? (acceptor, initiator) : (initiator, acceptor);
        protocol = BinaryBoxProtocol.Start(ours, receiver);
        await using BinaryBoxProtocol _ = protocol;
        await using PeerEnd end = new(raw);
        LayerChangeRequest mine = protocol.RequestLayerChange(Box("n", "mine"), LayerChange.Push("other", (context, _) => ValueTask.FromResult<AmpLayer>(new XorLayer(context.Below, 0x22))));
        Assert.That((await ReadBoxAsync(raw.Input, cancellationToken)).GetString("n"), Is.EqualTo("mine"));

        await raw.Output.WriteAsync(Box("n", "theirs"), cancellationToken);
        await receiver.TakeAsync(1, cancellationToken);
        Assert.That(accepted, Is.EqualTo(!weAccepted));
        if (!weAccepted)
        {
            // We lost: our answer went out where our change was, and the peer's layer is up.
            Assert.That((await ReadBoxAsync(raw.Input, cancellationToken)).GetString("n"), Is.EqualTo("ok"));
            receiver.OnBox = _ =>
            {
                mine.Refuse(new AmpLayerChangeConflictException("theirs won"));
                return true;
            };
            await raw.Output.WriteAsync(Xor(Box("n", "conflict"), 0x11), cancellationToken);
            Assert.CatchAsync<AmpLayerChangeConflictException>(() => mine.Completion.WaitAsync(cancellationToken));
            Assert.That(protocol.GetLayers().Single(), Is.InstanceOf<XorLayer>().And.Property("Key").EqualTo((byte)0x11));
        }
        else
        {
            Assert.That(mine.Completion.IsCompleted, Is.False, "our change still waits for the peer's answer");
            Assert.That(protocol.State, Is.EqualTo(BoxProtocolState.Holding));
        }
    }

    [Test]
    public async Task AHandOverRefusesSendingThenHandsTheBytesAfterTheBoundaryOver(CancellationToken cancellationToken)
    {
        var receiver = new ScriptedReceiver { Refuse = "stop here" };
        (InMemoryTransport ours, InMemoryTransport raw) = InMemoryTransport.CreatePair();
        BinaryBoxProtocol protocol = BinaryBoxProtocol.Start(ours, receiver);
        Task<AmpSwitchedConnection> handingOver = protocol.HandOverAsync(cancellationToken);

        // Refused from the call on: while the hand-over is pending, or with the switch as the reason once made.
        AmpException refused = Assert.Catch<AmpException>(() => protocol.SendBox(Box("n", "refused")))!;
        Assert.That(refused is AmpProtocolSwitchedException || refused is AmpConnectionLostException { Reason: AmpDisconnectReason.ProtocolSwitched }, refused.ToString());
        await raw.Output.WriteAsync("raw bytes"u8.ToArray(), cancellationToken);
        await using AmpSwitchedConnection switched = await handingOver.WaitAsync(cancellationToken);

        Assert.That(protocol.State, Is.EqualTo(BoxProtocolState.HandedOver));
        Assert.That((await protocol.Completion).Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched));
        ReadResult result = await switched.Pipe.Input.ReadAtLeastAsync(9, cancellationToken);
        Assert.That(result.Buffer.ToArray(), Is.EqualTo("raw bytes"u8.ToArray()));
    }

    private sealed class PeerEnd(InMemoryTransport raw) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await raw.Output.CompleteAsync();
    }

    private static byte[] Box(string key, string value) => BoxWriter.Serialize(new AmpBox().SetString(key, value));

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Xor(byte[] bytes, byte key) => bytes.Select(b => (byte)(b ^ key)).ToArray();

    private static async Task<AmpBox> ReadBoxAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? box))
            {
                reader.AdvanceTo(buffer.Start);
                return box;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new InvalidOperationException("the stream ended before a box");
            }
        }
    }

    /// <summary>Records boxes by their "n" value; can refuse one, or run a script on each.</summary>
    private sealed class ScriptedReceiver : IBoxReceiver
    {
        private readonly System.Threading.Channels.Channel<string> _boxes = System.Threading.Channels.Channel.CreateUnbounded<string>();
        private int _received;

        public string? Refuse { get; set; }

        public Func<AmpBox, bool>? OnBox { get; set; }

        public TaskCompletionSource Refused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Received => Volatile.Read(ref _received);

        public bool TryReceiveBox(in AmpBoxView box)
        {
            AmpBox copy = box.ToAmpBox();
            string n = copy.GetString("n")!;
            if (n == Refuse)
            {
                Refused.TrySetResult();
                return false;
            }

            OnBox?.Invoke(copy);
            Interlocked.Increment(ref _received);
            _boxes.Writer.TryWrite(n);
            return true;
        }

        public void ConnectionEnded(AmpConnectionLostException reason) => _boxes.Writer.TryComplete();

        public async Task<string[]> TakeAsync(int count, CancellationToken cancellationToken)
        {
            var taken = new string[count];
            for (int i = 0; i < count; i++)
            {
                taken[i] = await _boxes.Reader.ReadAsync(cancellationToken);
            }

            return taken;
        }
    }
}
