using Amp.Boxes;
using Amp.Fuzz.Targets;
using Amp.Transports;

namespace Amp.Tests.Fuzz;

/// <summary>
/// The layer target's findings as readable tests (their inputs are in Amp.Fuzz/findings/layers and are
/// replayed by <see cref="CorpusReplayTests"/> too).
/// </summary>
[CancelAfter(20_000)]
public sealed class FuzzFindingsTests
{
    // Fuzz finding (findings/layers/answer-to-a-queued-layer-change, error-to-a-queued-layer-change): a peer
    // that answers a layer-change call of ours before its box was sent (here: StopFrame, queued behind a
    // StartFrame still waiting for its answer) made the connection end as a transport failure, with the
    // state machine's InvalidOperationException ("cannot be accepted: it is Queued"). DESIGN.md: an answer
    // for a tag nobody asked is a protocol violation.
    [TestCase(false, TestName = "An answer to a layer change not yet sent is a protocol violation")]
    [TestCase(true, TestName = "An error answer to a layer change not yet sent is a protocol violation")]
    public async Task AnAnswerToALayerChangeNotYetSentIsAProtocolViolation(bool error, CancellationToken cancellationToken)
    {
        (InMemoryTransport ours, InMemoryTransport peer) = InMemoryTransport.CreatePair();
        await using AmpConnection connection = AmpConnection.Start(ours);
        Task start = connection.CallRemoteAsync(new StartFrame { Key = 0x33 }, cancellationToken);
        Task stop = connection.CallRemoteAsync(new StopFrame(), cancellationToken);
        AmpBox answer = error
            ? new AmpBox().SetString("_error", "2").SetString("_error_code", "FRAME_ERROR").SetString("_error_description", "no")
            : new AmpBox().SetString("_answer", "2");
        await peer.Output.WriteAsync(BoxWriter.Serialize(answer), cancellationToken);

        AmpConnectionLostException lost = await connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation), lost.ToString());
        Assert.ThrowsAsync<AmpConnectionLostException>(() => start);
        Assert.ThrowsAsync<AmpConnectionLostException>(() => stop);
    }

    // Fuzz finding (findings/layers/push-inside-a-layer-being-popped*, open): the peer pushes a frame layer,
    // asks to stop it, and then, instead of ending the layer (its empty frame) as a StopTLS peer must,
    // sends a StartFrame through it. This side answers the stop, closes its writing side of the layer and
    // reads the StartFrame from the layer it is popping; the push then fails in LayerStack.Push with
    // InvalidOperationException ("A layer cannot be pushed while the one below it is still being popped")
    // and the connection ends as a transport failure. A box after the peer's own stop, inside the layer
    // being popped, breaks the protocol: the connection should end as a protocol violation (or refuse the
    // push and go on), not report a transport that failed.
    [Test]
    public async Task APushInsideALayerBeingPoppedIsNotATransportFailure(CancellationToken cancellationToken)
    {
        (InMemoryTransport ours, InMemoryTransport theirs) = InMemoryTransport.CreatePair();
        using var end = new CancellationTokenSource();
        await using AmpConnection connection = AmpConnection.Start(ours, new AmpConnectionOptions { Responders = LayerResponders.Create(end.Token) });
        var peer = new FuzzPeer(theirs);
        await peer.WriteBoxAsync(SwitchedSide.Call(1, "StartFrame", ("key", "129")));
        peer.Push(0x81);
        await peer.WriteBoxAsync(SwitchedSide.Call(2, "StopFrame"));
        await peer.WriteBoxAsync(SwitchedSide.Call(3, "StartFrame", ("key", "37")));
        peer.Push(0x25);
        await peer.CompleteAsync();

        AmpConnectionLostException lost = await connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.Not.EqualTo(AmpDisconnectReason.TransportError), lost.ToString());
        Assert.That(lost.InnerException, Is.Not.InstanceOf<InvalidOperationException>(), lost.ToString());
    }

    // Fuzz finding (findings/layers/stops-inside-a-layer-being-popped*, open; the same cause as above): in two
    // nested frame layers, the peer sends StopFrame without ending the top layer, then a second StopFrame in
    // it and ends it, then a third in the layer below. This side accepts a pop for each (its responder sees a
    // frame layer on top while the first pop waits for the peer's empty frame) and the last one fails in
    // BinaryBoxProtocol.MakeChangeAsync with InvalidOperationException ("There is no layer to pop"): the
    // connection ends as a transport failure.
    [Test]
    public async Task StopsInsideALayerBeingPoppedAreNotATransportFailure(CancellationToken cancellationToken)
    {
        (InMemoryTransport ours, InMemoryTransport theirs) = InMemoryTransport.CreatePair();
        using var end = new CancellationTokenSource();
        await using AmpConnection connection = AmpConnection.Start(ours, new AmpConnectionOptions { Responders = LayerResponders.Create(end.Token) });
        var peer = new FuzzPeer(theirs);
        await peer.WriteBoxAsync(SwitchedSide.Call(1, "StartFrame", ("key", "1")));
        peer.Push(1);
        await peer.WriteBoxAsync(SwitchedSide.Call(3, "StartFrame", ("key", "2")));
        peer.Push(2);
        await peer.WriteBoxAsync(SwitchedSide.Call(2, "StopFrame"));
        await peer.WriteBoxAsync(SwitchedSide.Call(255, "StopFrame"));
        await peer.PopAsync();
        await peer.WriteBoxAsync(SwitchedSide.Call(4, "StopFrame"));
        await peer.CompleteAsync();

        AmpConnectionLostException lost = await connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.Not.EqualTo(AmpDisconnectReason.TransportError), lost.ToString());
        Assert.That(lost.InnerException, Is.Not.InstanceOf<InvalidOperationException>(), lost.ToString());
    }
}
