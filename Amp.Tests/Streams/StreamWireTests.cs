using Amp.Boxes;
using Amp.Tests.TestUtilities;
using static Amp.Tests.TestUtilities.WireBoxes;

namespace Amp.Tests.Streams;

/// <summary>The streams extension's bytes, checked against a scripted peer (spec/amp-wire.md §15).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class StreamWireTests
{
    private static readonly byte[] StreamsOffer = Offer("streams/1");


    [Test]
    public async Task A_peer_that_answers_the_hello_UNHANDLED_sees_only_the_hello(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        Task<UploadResult> upload = peer.Connection.CallRemoteAsync(new Upload { Name = "a", Data = new MemoryStream([1, 2, 3]) }, cancellationToken);

        byte[]? hello = await peer.ReadBoxBytesAsync(cancellationToken);
        Assert.That(hello, Is.EqualTo(Bytes(("_ask", "1"u8.ToArray()), ("_command", "_amp.extensions"u8.ToArray()), ("offer", DefaultOffer))));
        await peer.WriteBoxAsync(Make(("_error", "1"), ("_error_code", "UNHANDLED"), ("_error_description", "Unhandled Command: b'_amp.extensions'")), cancellationToken);

        Assert.That(async () => await upload, Throws.TypeOf<AmpExtensionUnavailableException>());
        Task<SumResult> sum = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        AmpBox next = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(next.GetString("_command"), Is.EqualTo("Sum"), "the next box after the refused hello is the next call: no stream box");
        Assert.That(next.GetString("_ask"), Is.EqualTo("2"));
        await peer.WriteBoxAsync(Make(("_answer", "2"), ("total", "3")), cancellationToken);
        Assert.That((int)(await sum).Total, Is.EqualTo(3));
    }

    [Test]
    public async Task The_sender_sends_exactly_its_credit_and_ends_on_a_stop(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        byte[] data = PatternStream.Expected(1_000_000, 11);
        Task<UploadResult> upload = peer.Connection.CallRemoteAsync(new Upload { Name = "a", Data = new MemoryStream(data) }, cancellationToken);
        await AcceptHelloAsync(peer, cancellationToken);

        AmpBox call = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(call.GetString("_command"), Is.EqualTo("Upload"));
        Assert.That(call.GetString("data"), Is.EqualTo("1"));
        Assert.That(call.GetString("_streams"), Is.EqualTo("1"));
        string tag = call.GetString("_ask")!;

        await peer.WriteBoxAsync(Make(("_grant", "1"), ("_credit", "100000")), cancellationToken);
        var received = new List<byte>();
        while (received.Count < 100_000)
        {
            AmpBox chunk = await peer.ReadBoxAsync(cancellationToken);
            Assert.That(chunk.GetString("_stream"), Is.EqualTo("1"));
            Assert.That(chunk.Keys, Is.EquivalentTo(new[] { "_chunk", "_stream" }));
            received.AddRange(chunk["_chunk"].ToArray());
        }

        Assert.That(received, Is.EqualTo(data.AsSpan(0, 100_000).ToArray()), "exactly the credit, in order");
        await peer.WriteBoxAsync(Make(("_grant", "1"), ("_stop", "")), cancellationToken);
        byte[]? end = await peer.ReadBoxBytesAsync(cancellationToken);
        Assert.That(end, Is.EqualTo(Bytes(("_end", []), ("_stream", "1"u8.ToArray()))), "nothing beyond the credit; the stop is answered with the end");

        await peer.WriteBoxAsync(Make(("_answer", tag), ("length", "100000"), ("sha256", "")), cancellationToken);
        Assert.That((await upload).Length, Is.EqualTo(100_000));
    }

    [Test]
    public async Task A_chunk_beyond_the_credit_closes_the_connection(CancellationToken cancellationToken)
    {
        var responders = new StreamResponders();
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = responders.Table(), StreamWindowBytes = 1024 });
        await peer.WriteBoxAsync(Make(("_ask", "1"), ("_command", "_amp.extensions"), ("offer", StreamsOffer)), cancellationToken);
        AmpBox accept = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(accept["accept"].ToArray(), Is.EqualTo(StreamsOffer));

        await peer.WriteBoxAsync(Make(("_ask", "2"), ("_command", "Upload"), ("name", "a"), ("data", "7"), ("_streams", "7")), cancellationToken);
        byte[]? grant = await peer.ReadBoxBytesAsync(cancellationToken);
        Assert.That(grant, Is.EqualTo(Bytes(("_credit", "1024"u8.ToArray()), ("_grant", "7"u8.ToArray()))));
        await peer.WriteBoxAsync(Make(("_chunk", new byte[1025]), ("_stream", "7")), cancellationToken);

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
        Assert.That(lost.InnerException, Is.TypeOf<AmpProtocolException>().With.Property(nameof(AmpProtocolException.Error)).EqualTo(AmpProtocolError.StreamViolation));
        Assert.That(await responders.UploadEnded.Task.WaitAsync(cancellationToken), Is.TypeOf<AmpStreamException>());
    }

    [Test]
    public async Task The_sender_fills_whole_chunks_and_the_receiver_grants_whole_chunks(CancellationToken cancellationToken)
    {
        // As receiver, with the default 256 KiB window: the grants are whole chunks of an Amp.NET sender (65,472 bytes).
        var responders = new StreamResponders();
        await using (RawPeer receiver = RawPeer.Start(new AmpConnectionOptions { Responders = responders.Table() }))
        {
            await receiver.WriteBoxAsync(Make(("_ask", "1"), ("_command", "_amp.extensions"), ("offer", StreamsOffer)), cancellationToken);
            await receiver.ReadBoxAsync(cancellationToken);
            await receiver.WriteBoxAsync(Make(("_ask", "2"), ("_command", "Upload"), ("name", "a"), ("data", "1"), ("_streams", "1")), cancellationToken);
            AmpBox first = await receiver.ReadBoxAsync(cancellationToken);
            Assert.That(first.GetString("_credit"), Is.EqualTo((4 * 65_472).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await receiver.WriteBoxAsync(Make(("_chunk", new byte[65_472]), ("_stream", "1")), cancellationToken);
            await receiver.WriteBoxAsync(Make(("_chunk", new byte[65_472]), ("_stream", "1")), cancellationToken);
            AmpBox topUp = await receiver.ReadBoxAsync(cancellationToken);
            Assert.That(topUp.GetString("_credit"), Is.EqualTo((2 * 65_472).ToString(System.Globalization.CultureInfo.InvariantCulture)), "half a window consumed: two whole chunks");
        }

        // As sender: a credit of 200,000 comes as three full chunks, each box at most 64 KiB, and the rest.
        await using RawPeer sender = RawPeer.Start();
        byte[] data = PatternStream.Expected(300_000, 3);
        Task<UploadResult> upload = sender.Connection.CallRemoteAsync(new Upload { Name = "a", Data = new MemoryStream(data) }, cancellationToken);
        await AcceptHelloAsync(sender, cancellationToken);
        await sender.ReadBoxAsync(cancellationToken);
        await sender.WriteBoxAsync(Make(("_grant", "1"), ("_credit", "200000")), cancellationToken);
        var sizes = new List<(int Payload, int Box)>();
        for (int received = 0; received < 200_000;)
        {
            byte[] box = (await sender.ReadBoxBytesAsync(cancellationToken))!;
            int payload = RawPeer.Parse(box)["_chunk"].Length;
            sizes.Add((payload, box.Length));
            received += payload;
        }

        Assert.That(sizes.Select(size => size.Payload), Is.EqualTo(new[] { 65_472, 65_472, 65_472, 200_000 - (3 * 65_472) }));
        Assert.That(sizes.Select(size => size.Box), Has.All.LessThanOrEqualTo(64 * 1024));
        await sender.WriteBoxAsync(Make(("_grant", "1"), ("_stop", "")), cancellationToken);
        await sender.ReadBoxBytesAsync(cancellationToken);
        await sender.WriteBoxAsync(Make(("_answer", "2"), ("length", "200000"), ("sha256", "")), cancellationToken);
        Assert.That((await upload).Length, Is.EqualTo(200_000));
    }

    [Test]
    public async Task An_announced_stream_with_no_responder_is_stopped(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        await peer.WriteBoxAsync(Make(("_ask", "1"), ("_command", "_amp.extensions"), ("offer", StreamsOffer)), cancellationToken);
        await peer.ReadBoxAsync(cancellationToken);

        await peer.WriteBoxAsync(Make(("_ask", "2"), ("_command", "Nobody"), ("data", "1"), ("_streams", "1")), cancellationToken);

        AmpBox grant = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(grant.GetString("_grant"), Is.EqualTo("1"));
        AmpBox error = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(error.GetString("_error_code"), Is.EqualTo("UNHANDLED"));
        byte[]? stop = await peer.ReadBoxBytesAsync(cancellationToken);
        Assert.That(stop, Is.EqualTo(Bytes(("_grant", "1"u8.ToArray()), ("_stop", []))));
        await peer.WriteBoxAsync(Make(("_end", ""), ("_stream", "1")), cancellationToken);
        await peer.WriteBoxAsync(Make(("_ask", "3"), ("_command", "Nobody")), cancellationToken);
        AmpBox after = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(after.GetString("_error"), Is.EqualTo("3"), "the end box of the stopped stream was accepted");
    }

    [TestCase("_grant", "9", "_credit", "10", TestName = "A grant for a stream this side never opened")]
    [TestCase("_stream", "9", "_end", "", TestName = "An end for a stream that is not open")]
    [TestCase("_stream", "09", "_end", "", TestName = "A stream id with a leading zero")]
    [TestCase("_grant", "1", "_credit", "0", TestName = "A zero credit")]
    [TestCase("_stream", "1", "_chunk", "", TestName = "An empty chunk")]
    public async Task Bad_stream_boxes_from_a_peer_that_agreed_close_the_connection(string idKey, string id, string key, string value)
    {
        using var cancel = new CancellationTokenSource();
        CancellationToken cancellationToken = cancel.Token;
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = new StreamResponders().Table() });
        await peer.WriteBoxAsync(Make(("_ask", "1"), ("_command", "_amp.extensions"), ("offer", StreamsOffer)), cancellationToken);
        await peer.ReadBoxAsync(cancellationToken);
        await peer.WriteBoxAsync(Make(("_ask", "2"), ("_command", "Upload"), ("name", "a"), ("data", "1"), ("_streams", "1")), cancellationToken);
        await peer.ReadBoxAsync(cancellationToken);

        await peer.WriteBoxAsync(Make((idKey, id), (key, value)), cancellationToken);

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.InnerException, Is.TypeOf<AmpProtocolException>().With.Property(nameof(AmpProtocolException.Error)).EqualTo(AmpProtocolError.StreamViolation), lost.Message);
    }

    [Test]
    public async Task Announcing_more_streams_than_the_limit_closes_the_connection(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { MaxIncomingStreams = 10 });
        await peer.WriteBoxAsync(Make(("_ask", "1"), ("_command", "_amp.extensions"), ("offer", StreamsOffer)), cancellationToken);
        await peer.ReadBoxAsync(cancellationToken);

        // Nobody answers these commands: every stream is stopped at once, and stays open until the peer ends it.
        await peer.WriteBoxAsync(Make(("_command", "Nobody"), ("_streams", "1,2,3,4,5,6,7,8,9,a")), cancellationToken);
        await peer.WriteBoxAsync(Make(("_command", "Nobody"), ("_streams", "b")), cancellationToken);

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.InnerException, Is.TypeOf<AmpProtocolException>().With.Property(nameof(AmpProtocolException.Error)).EqualTo(AmpProtocolError.StreamViolation));
        Assert.That(lost.InnerException!.Message, Does.Contain("more than 10 streams"));
    }

    [Test]
    public async Task Stream_boxes_from_a_peer_that_did_not_agree_are_empty_boxes(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();

        await peer.WriteBoxAsync(Make(("_stream", "1"), ("_chunk", "x")), cancellationToken);

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.InnerException, Is.TypeOf<AmpProtocolException>().With.Property(nameof(AmpProtocolException.Error)).EqualTo(AmpProtocolError.EmptyBox));
    }

    [Test]
    public async Task A_second_hello_is_answered_with_what_was_agreed(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Extensions = AmpExtensions.Streams });
        await peer.WriteBoxAsync(Make(("_ask", "1"), ("_command", "_amp.extensions"), ("offer", new byte[] { 0, 3, (byte)'z', (byte)'/', (byte)'9' })), cancellationToken);
        Assert.That((await peer.ReadBoxAsync(cancellationToken))["accept"].ToArray(), Is.Empty, "an unknown extension is not accepted");

        await peer.WriteBoxAsync(Make(("_ask", "2"), ("_command", "_amp.extensions"), ("offer", StreamsOffer)), cancellationToken);

        Assert.That((await peer.ReadBoxAsync(cancellationToken))["accept"].ToArray(), Is.Empty, "the agreed set is fixed once known");
        Assert.That(peer.Connection.AgreedExtensions, Is.EqualTo(AmpExtensions.None));
    }

    private static async Task AcceptHelloAsync(RawPeer peer, CancellationToken cancellationToken)
    {
        AmpBox hello = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(hello.GetString("_command"), Is.EqualTo("_amp.extensions"));
        await peer.WriteBoxAsync(Make(("_answer", hello.GetString("_ask")!), ("accept", StreamsOffer)), cancellationToken);
    }
}
