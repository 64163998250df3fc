using Amp.Boxes;
using Amp.Negotiation;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;
using static Amp.Tests.Negotiation.NegotiationSetup;
using static Amp.Tests.TestUtilities.WireBoxes;

namespace Amp.Tests.Negotiation;

/// <summary>
/// Each phase's exact bytes against a scripted peer, whole or one byte per flush (inside TLS, one byte per record):
/// the request, the 101, both Hello blocks, the Decision block, and AMP boxes written in the same write as the decision,
/// which must reach AMP (nothing lost).
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class NegotiationWireTests
{
    private const string ConnectionId = "00112233445566778899aabbccddeeff";

    [TestCase(false)]
    [TestCase(true)]
    public async Task The_connecting_side_as_slave_sends_the_specified_bytes_and_AMP_gets_what_follows_the_decision(bool bytePerFlush, CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var master = new ScriptedPeer(theirs, bytePerFlush);
        AmpNegotiator client = Node("a-client");
        Task<AmpNegotiationResult> connecting = client.ConnectAsync(ours, new NegotiationAddress("localhost", 5000, "calc"), ClientTls(), cancellationToken);

        Assert.That(await master.ReadHeadAsync(cancellationToken),
            Is.EqualTo("GET /amp/calc HTTP/1.1\r\nHost: localhost:5000\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n"));
        await master.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n", cancellationToken);
        await master.StartTlsAsync(TargetTls(), TlsRole.Server, cancellationToken);
        await master.WriteAsync("Versions: 1 1\r\nId: z-master\r\nExtensions: streams/1 keepalive/1 trace/9\r\nApp-room: lobby\r\n\r\n", cancellationToken);

        string hello = await master.ReadHeadAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(hello, Does.StartWith("Versions: 1 1\r\nId: a-client\r\nExtensions: streams/1 cancel/1 keepalive/1 goaway/1\r\nIncarnation: "));
            Assert.That(ScriptedPeer.Value(hello, "Incarnation"), Does.Match("^[0-9a-f]{16}$"));
            Assert.That(ScriptedPeer.Value(hello, "Last-Connection"), Is.Null, "the first connection to this target");
        });

        // The decision and the master's first AMP call in one write: the call must reach the slave's AMP.
        byte[] call = BoxWriter.Serialize(Make(("_ask", "1"), ("_command", "Sum"), ("a", "1"), ("b", "2")));
        await master.WriteAsync([.. System.Text.Encoding.ASCII.GetBytes($"Decision: accept\r\nVersion: 1\r\nConnection-Id: {ConnectionId}\r\nExtensions: streams/1 keepalive/1\r\nApp-seat: 7\r\n\r\n"), .. call], cancellationToken);

        await using AmpNegotiationResult result = await connecting;
        AmpBox answer = await master.ReadBoxAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(answer.GetString("_answer"), Is.EqualTo("1"));
            Assert.That(answer.GetString("total"), Is.EqualTo("3"));
            Assert.That(result.IsMaster, Is.False);
            Assert.That(result.PeerId, Is.EqualTo("z-master"));
            Assert.That(result.PeerOffer.Parameters["room"], Is.EqualTo("lobby"));
            Assert.That(result.Decision.ConnectionId, Is.EqualTo(ConnectionId));
            Assert.That(result.Decision.Extensions, Is.EqualTo(AmpExtensions.Streams | AmpExtensions.KeepAlive));
            Assert.That(result.Decision.Parameters["seat"], Is.EqualTo("7"));
            Assert.That(result.Connection.AgreedExtensions, Is.EqualTo(AmpExtensions.Streams | AmpExtensions.KeepAlive));
        });

        // The next dial to this target names this connection as its last one.
        var (again, peerAgain) = InMemoryTransport.CreatePair();
        await using var second = new ScriptedPeer(peerAgain);
        Task<AmpNegotiationResult> redial = client.ConnectAsync(again, new NegotiationAddress("localhost", 5000, "calc"), ClientTls(), cancellationToken);
        await second.ReadHeadAsync(cancellationToken);
        await second.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n", cancellationToken);
        await second.StartTlsAsync(TargetTls(), TlsRole.Server, cancellationToken);
        await second.WriteAsync("Versions: 1 1\r\nId: z-master\r\n\r\n", cancellationToken);
        Assert.That(ScriptedPeer.Value(await second.ReadHeadAsync(cancellationToken), "Last-Connection"), Is.EqualTo(ConnectionId));
        await second.WriteAsync("Decision: refuse\r\nReason: duplicate-connection\r\nMessage: keep the first\r\n\r\n", cancellationToken);
        AmpNegotiationException refused = Assert.ThrowsAsync<AmpNegotiationException>(async () => await redial)!;
        Assert.That(refused.Failure, Is.EqualTo(NegotiationFailure.DuplicateConnection));
        Assert.That(refused.Message, Does.Contain("keep the first"));
        Assert.That(result.Connection.IsConnected, Is.True, "a refused dial leaves the live connection alone");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task The_listening_side_as_slave_answers_the_specified_bytes_and_AMP_gets_what_follows_the_decision(bool bytePerFlush, CancellationToken cancellationToken)
    {
        var (theirs, ours) = InMemoryTransport.CreatePair();
        await using var master = new ScriptedPeer(theirs, bytePerFlush);
        AmpNegotiationServer server = Serving("calc", Node("server"));
        Task<AmpNegotiationResult> accepting = server.AcceptAsync(ours, cancellationToken);

        await master.WriteAsync("GET /amp/calc HTTP/1.1\r\nHost: example.org:443\r\nUser-Agent: scripted\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n", cancellationToken);
        Assert.That(await master.ReadHeadAsync(cancellationToken), Is.EqualTo("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n"));
        await master.StartTlsAsync(ClientTls(), TlsRole.Client, cancellationToken);
        await master.WriteAsync("Versions: 1 1\r\nId: zz-master\r\nExtensions: streams/1 cancel/1 keepalive/1 goaway/1\r\n\r\n", cancellationToken);
        string hello = await master.ReadHeadAsync(cancellationToken);
        Assert.That(hello, Does.StartWith("Versions: 1 1\r\nId: server\r\nExtensions: streams/1 cancel/1 keepalive/1 goaway/1\r\nIncarnation: "));
        Assert.That(ScriptedPeer.Value(hello, "Last-Connection"), Is.Null, "only the connecting side sends one");

        byte[] call = BoxWriter.Serialize(Make(("_ask", "1"), ("_command", "Sum"), ("a", "20"), ("b", "22")));
        await master.WriteAsync([.. System.Text.Encoding.ASCII.GetBytes($"Decision: accept\r\nVersion: 1\r\nConnection-Id: {ConnectionId}\r\n\r\n"), .. call], cancellationToken);
        await using AmpNegotiationResult result = await accepting;
        AmpBox answer = await master.ReadBoxAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(answer.GetString("total"), Is.EqualTo("42"));
            Assert.That(result.IsMaster, Is.False);
            Assert.That(result.IsConnectingSide, Is.False);
            Assert.That(result.Decision.Extensions, Is.EqualTo(AmpExtensions.None), "no Extensions line: none");
            Assert.That(result.Connection.AgreedExtensions, Is.EqualTo(AmpExtensions.None));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task The_master_sends_the_specified_decision_and_then_speaks_AMP(bool bytePerFlush, CancellationToken cancellationToken)
    {
        var (theirs, ours) = InMemoryTransport.CreatePair();
        await using var slave = new ScriptedPeer(theirs, bytePerFlush);
        Task<AmpNegotiationResult> accepting = Serving("calc", Node("m-server")).AcceptAsync(ours, cancellationToken);

        await slave.WriteAsync("GET /amp/calc HTTP/1.1\r\nHost: x:1\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n", cancellationToken);
        await slave.ReadHeadAsync(cancellationToken);
        await slave.StartTlsAsync(ClientTls(), TlsRole.Client, cancellationToken);
        await slave.WriteAsync("Versions: 1 2\r\nId: a-slave\r\nExtensions: goaway/1 streams/1\r\n\r\n", cancellationToken);
        await slave.ReadHeadAsync(cancellationToken);
        string decision = await slave.ReadHeadAsync(cancellationToken);
        string? id = ScriptedPeer.Value(decision, "Connection-Id");
        Assert.That(id, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(decision, Is.EqualTo($"Decision: accept\r\nVersion: 1\r\nConnection-Id: {id}\r\nExtensions: streams/1 goaway/1\r\n\r\n"));

        await using AmpNegotiationResult result = await accepting;
        Assert.That(result.IsMaster, Is.True);
        Task<SumResult> sum = result.Connection.CallRemoteAsync(new Sum { A = 4, B = 5 }, cancellationToken);
        AmpBox call = await slave.ReadBoxAsync(cancellationToken);
        Assert.That(call.GetString("_command"), Is.EqualTo("Sum"), "the first box after the decision is the call: no extension hello");
        await slave.WriteAsync(BoxWriter.Serialize(Make(("_answer", call.GetString("_ask")!), ("total", "9"))), cancellationToken);
        Assert.That((int)(await sum).Total, Is.EqualTo(9));
    }
}
