using Amp.Negotiation;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;
using Microsoft.Extensions.Logging;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.Negotiation;

/// <summary>Whole negotiations between two Amp.NET nodes over in-memory transports (spec/amp-wire.md §16).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class NegotiationTests
{
    [TestCase(null)]
    [TestCase(1)]
    [TestCase(7)]
    public async Task A_client_reaches_a_target_and_both_sides_run_AMP_with_the_decision(int? maxBytesPerRead, CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork { TransportOptions = new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead } };
        AmpNegotiator server = Node("server-node");
        network.Listen("localhost", 5000, Serving("calc", server));
        AmpNegotiator client = Node("client-node");

        await using AmpNegotiationResult dialled = await ConnectAsync(client, network, new NegotiationAddress("localhost", 5000, "calc"), cancellationToken);
        AmpNegotiationResult accepted = await (await network.NextAcceptedAsync("localhost", 5000, cancellationToken));
        await using AmpConnection serverConnection = accepted.Connection;

        Assert.Multiple(() =>
        {
            Assert.That(dialled.IsConnectingSide, Is.True);
            Assert.That(accepted.IsConnectingSide, Is.False);
            Assert.That(dialled.IsMaster, Is.False, "client-node < server-node");
            Assert.That(accepted.IsMaster, Is.True);
            Assert.That(dialled.PeerId, Is.EqualTo("server-node"));
            Assert.That(accepted.PeerId, Is.EqualTo("client-node"));
            Assert.That(dialled.Target, Is.EqualTo("calc"));
            Assert.That(accepted.Target, Is.EqualTo("calc"));
            Assert.That(dialled.Decision.ConnectionId, Is.EqualTo(accepted.Decision.ConnectionId).And.Match("^[0-9a-f]{32}$"));
            Assert.That(dialled.Decision.Version, Is.EqualTo(1));
            Assert.That(dialled.Decision.Extensions, Is.EqualTo(AmpExtensions.Default));
            Assert.That(dialled.Connection.AgreedExtensions, Is.EqualTo(AmpExtensions.Default));
            Assert.That(serverConnection.AgreedExtensions, Is.EqualTo(AmpExtensions.Default));
            Assert.That(dialled.Tls.PeerCertificate?.Subject, Is.EqualTo("CN=amp-server"));
            Assert.That(accepted.Tls.PeerCertificate?.Subject, Is.EqualTo("CN=amp-client"));
            Assert.That(dialled.Connection.GetTlsLayers(), Has.Count.EqualTo(1), "AMP runs over the negotiation's TLS layer");
            Assert.That(client.TryGetConnection("server-node", "calc", out AmpNegotiationResult? known) ? known : null, Is.SameAs(dialled));
            Assert.That(server.TryGetConnection("client-node", "calc", out AmpNegotiationResult? knownThere) ? knownThere : null, Is.SameAs(accepted));
        });

        Assert.That((int)(await dialled.Connection.CallRemoteAsync(new Sum { A = 20, B = 22 }, cancellationToken)).Total, Is.EqualTo(42));
        Assert.That((int)(await serverConnection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(3), "either side calls");
    }

    [Test]
    public async Task The_extensions_are_those_both_offered_and_no_extension_hello_ever_crosses(CancellationToken cancellationToken)
    {
        using var serverLog = new TestLoggerProvider();
        using ILoggerFactory serverLogs = serverLog.CreateFactory();
        await using var network = new InMemoryNetwork();
        AmpNegotiator server = Node("b", connection: new AmpConnectionOptions { Responders = InteropResponders.Create(), LoggerFactory = serverLogs });
        network.Listen("localhost", 1, Serving("t", server));
        AmpNegotiator client = Node("a", connection: new AmpConnectionOptions { Extensions = AmpExtensions.Streams | AmpExtensions.Cancellation | AmpExtensions.GoAway });

        await using AmpNegotiationResult dialled = await ConnectAsync(client, network, new NegotiationAddress("localhost", 1, "t"), cancellationToken);
        await using AmpConnection accepted = (await await network.NextAcceptedAsync("localhost", 1, cancellationToken)).Connection;
        Assert.That(dialled.Decision.Extensions, Is.EqualTo(AmpExtensions.Streams | AmpExtensions.Cancellation | AmpExtensions.GoAway));
        Assert.That(accepted.AgreedExtensions, Is.EqualTo(dialled.Decision.Extensions));

        // A call the cancellation extension carries (a deadline), then a graceful close (goaway): with the set known
        // from the start, neither side sends the hello it would otherwise send first.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Assert.That((int)(await dialled.Connection.CallRemoteAsync(new Sum { A = 1, B = 1 }, timeout.Token)).Total, Is.EqualTo(2));
        await dialled.Connection.CloseAsync(cancellationToken);
        await accepted.Completion.WaitAsync(cancellationToken);

        string[] received = [.. serverLog.Entries.Where(e => e.EventId.Id == AmpEventId.BoxReceived).Select(e => e.Message)];
        Assert.That(received, Is.Not.Empty);
        Assert.That(received, Has.None.Contains("_amp.extensions"), "no hello on a negotiated connection");
        Assert.That(received, Has.Some.Contains("_goaway"), "goaway/1 was used without a hello");
    }

    [Test]
    public async Task Each_target_presents_its_own_certificate(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        AmpNegotiator node = Node("server");
        var server = new AmpNegotiationServer()
            .AddTarget(new NegotiationTarget("a", TargetTls(TargetA), node))
            .AddTarget(new NegotiationTarget("b", TargetTls(TargetB), node));
        network.Listen("localhost", 1, server);
        AmpNegotiator client = Node("client");
        var trustingTargetNames = ClientTls() with { TargetHost = "localhost" };

        await using AmpNegotiationResult toA = await ConnectAsync(client, network, new NegotiationAddress("localhost", 1, "a"), cancellationToken, trustingTargetNames);
        await using AmpNegotiationResult toB = await client.ConnectAsync(new NegotiationAddress("localhost", 1, "b"), trustingTargetNames, network.DialAsync, cancellationToken);
        Assert.That(toA.Tls.PeerCertificate?.Subject, Is.EqualTo("CN=target-a"));
        Assert.That(toB.Tls.PeerCertificate?.Subject, Is.EqualTo("CN=target-b"));
        await (await network.NextAcceptedAsync("localhost", 1, cancellationToken));
    }

    [Test]
    public async Task Application_parameters_travel_both_ways_and_the_masters_decision_reaches_both(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        NegotiationContext? seen = null;
        AmpNegotiator server = Node("zz-master", parameters: new Dictionary<string, string> { ["room"] = "lobby" }, decide: context =>
        {
            seen = context;
            return NegotiationVerdict.Accept(new Dictionary<string, string> { ["nick"] = context.PeerOffer.Parameters["nick"] + "-2", ["motd"] = "héllo wörld" });
        });
        network.Listen("localhost", 1, Serving("chat", server));
        AmpNegotiator client = Node("aa-slave", parameters: new Dictionary<string, string> { ["nick"] = "alice" });

        await using AmpNegotiationResult dialled = await ConnectAsync(client, network, new NegotiationAddress("localhost", 1, "chat"), cancellationToken);
        await using AmpConnection _ = (await await network.NextAcceptedAsync("localhost", 1, cancellationToken)).Connection;
        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.Not.Null);
            Assert.That(seen!.Target, Is.EqualTo("chat"));
            Assert.That(seen.IsConnectingSide, Is.False);
            Assert.That(seen.LocalOffer.Parameters["room"], Is.EqualTo("lobby"));
            Assert.That(seen.PeerOffer.Id, Is.EqualTo("aa-slave"));
            Assert.That(seen.Tls.PeerCertificate?.Subject, Is.EqualTo("CN=amp-client"));
            Assert.That(dialled.PeerOffer.Parameters["room"], Is.EqualTo("lobby"));
            Assert.That(dialled.Decision.Parameters, Is.EquivalentTo(new Dictionary<string, string> { ["nick"] = "alice-2", ["motd"] = "héllo wörld" }));
        });
    }

    [Test]
    public async Task A_web_server_that_did_the_HTTP_step_hands_the_upgraded_stream_to_AcceptUpgradedAsync(CancellationToken cancellationToken)
    {
        // What Amp.AspNetCore does with Kestrel: recognize the request by the public constants, answer 101 itself, hand over a Stream.
        var (clientEnd, serverEnd) = InMemoryTransport.CreatePair();
        AmpNegotiator client = Node("client");
        Task<AmpNegotiationResult> dialling = client.ConnectAsync(clientEnd, new NegotiationAddress("localhost", 443, "web"), ClientTls(), cancellationToken);

        string request = await ReadHeadAsync(serverEnd, cancellationToken);
        string[] lines = request.Split("\r\n");
        string path = lines[0].Split(' ')[1];
        string? connection = lines.FirstOrDefault(l => l.StartsWith(NegotiationProtocol.ConnectionHeader + ":", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1];
        string? upgrade = lines.FirstOrDefault(l => l.StartsWith(NegotiationProtocol.UpgradeHeader + ":", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1];
        Assert.That(NegotiationProtocol.TryParseTargetPath(path, out string target), Is.True);
        Assert.That(NegotiationProtocol.IsAmpUpgrade(connection, upgrade), Is.True);
        await serverEnd.Output.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n"u8.ToArray(), cancellationToken);

        Stream upgraded = new DuplexPipeStream(serverEnd);   // what IHttpUpgradeFeature.UpgradeAsync() returns
        AmpNegotiationResult accepted = await Node("server").AcceptUpgradedAsync(upgraded, target, TargetTls(), cancellationToken);
        await using AmpConnection _ = accepted.Connection;
        await using AmpNegotiationResult dialled = await dialling;
        Assert.That(accepted.Target, Is.EqualTo("web"));
        Assert.That((int)(await dialled.Connection.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken)).Total, Is.EqualTo(5));
    }

    [Test]
    public void A_node_whose_AMP_allows_no_layer_is_refused_at_once() =>
        Assert.That(() => new AmpNegotiator(new NegotiationOptions { ConnectionOptions = new AmpConnectionOptions { MaxLayerDepth = 0 } }),
            Throws.ArgumentException.With.Message.Contains("MaxLayerDepth"));

    internal static async Task<AmpNegotiationResult> ConnectAsync(AmpNegotiator client, InMemoryNetwork network, NegotiationAddress address, CancellationToken cancellationToken, TlsLayerOptions? tls = null) =>
        await client.ConnectAsync(address, tls ?? ClientTls(), network.DialAsync, cancellationToken);

    /// <summary>Reads a head (up to its empty line) byte by byte, consuming nothing after it.</summary>
    internal static async Task<string> ReadHeadAsync(AmpTransport transport, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        while (head.Count < 4 || !head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            System.IO.Pipelines.ReadResult result = await transport.Input.ReadAsync(cancellationToken);
            if (result.Buffer.IsEmpty && result.IsCompleted)
            {
                break;
            }

            head.Add(result.Buffer.FirstSpan[0]);
            transport.Input.AdvanceTo(result.Buffer.GetPosition(1));
        }

        return System.Text.Encoding.UTF8.GetString([.. head]);
    }
}
