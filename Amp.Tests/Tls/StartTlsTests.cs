using System.Net;
using System.Numerics;
using System.Security.Authentication;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tls;

/// <summary>StartTLS between two Amp.NET peers: roles, held boxes, nesting, every split, each engine on each side.</summary>
[CancelAfter(60000)]
public sealed class StartTlsTests
{
    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task OverTcpTheConnectingSideIsTheTlsClientAndBothSeeTheRightCertificate(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(TestCertificates.ServerOptions(engine: serverEngine), TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
        TlsConnectionInfo info = await pair.Client.StartTlsAsync(TestCertificates.ClientOptions(engine: clientEngine), cancellationToken);
        Assert.That((info.IsClient, info.Engine), Is.EqualTo((true, clientEngine)));
        Assert.That(info.PeerCertificate!.Subject, Is.EqualTo("CN=amp-server"));
        Assert.That(info.Protocol, Is.AnyOf(SslProtocols.Tls12, SslProtocols.Tls13));
        Assert.That((await pair.Client.CallRemoteAsync(new CallMeBack { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
        AmpConnection server = await pair.ServerConnection;
        TlsConnectionInfo serverInfo = server.GetTlsLayers().Single();
        Assert.That((serverInfo.IsClient, serverInfo.Engine, serverInfo.Protocol, serverInfo.CipherSuite), Is.EqualTo((false, serverEngine, info.Protocol, info.CipherSuite)));
        Assert.That(serverInfo.PeerCertificate!.Subject, Is.EqualTo("CN=amp-client"));
        Assert.That(pair.Client.Layers, Does.EndWith(clientEngine == TlsEngine.SslStream ? "tls(1.3)" : "tls(1.3, BouncyCastle)"));
    }

    [Test]
    public async Task WhenTheTcpServerCallsStartTlsItIsStillTheTlsServer(CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(TestCertificates.ServerOptions(), TestCertificates.ClientOptions(), cancellationToken);
        await pair.Client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        AmpConnection server = await pair.ServerConnection;
        TlsConnectionInfo info = await server.StartTlsAsync(TestCertificates.ServerOptions(), cancellationToken);
        Assert.That(info.IsClient, Is.False);
        Assert.That(info.PeerCertificate!.Subject, Is.EqualTo("CN=amp-client"));
        Assert.That((await server.CallRemoteAsync(new Sum { A = 2, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(4)));
        Assert.That(pair.Client.GetTlsLayers().Single().IsClient, Is.True);
    }

    [Test]
    public async Task BoxesSentRightAfterStartTlsArriveInsideTls(CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(TestCertificates.ServerOptions(), TestCertificates.ClientOptions(), cancellationToken);
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
        Task<SumResult>[] early = [.. Enumerable.Range(0, 100).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        await starting;
        Assert.That((await Task.WhenAll(early)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 100)));
    }

    [Test]
    public async Task TlsInsideTlsThreeDeepWithItsOwnOptionsPerLayer(CancellationToken cancellationToken)
    {
        await using var pair = TlsPair(new InMemoryTransportOptions());
        await pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        await pair.Server.StartTlsAsync(TestCertificates.ServerOptions(role: TlsRole.Server), cancellationToken);
        TlsConnectionInfo third = await pair.Client.StartTlsAsync(
            TestCertificates.ClientOptions(role: TlsRole.Client) with { EnabledProtocols = SslProtocols.Tls12 }, cancellationToken);
        Assert.That(third.Depth, Is.EqualTo(3));
        Assert.That(third.Protocol, Is.EqualTo(SslProtocols.Tls12));
        Assert.That(pair.Client.GetTlsLayers().Select(l => l.Depth), Is.EqualTo(new[] { 1, 2, 3 }));
        await AssertCallsWorkAsync(pair, cancellationToken);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task EveryBoundaryPositionWithOneBytePerRead(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        await using var pair = TlsPair(new InMemoryTransportOptions { MaxBytesPerRead = 1 }, clientEngine, serverEngine);
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client, engine: clientEngine), cancellationToken);
        Task<SumResult> early = pair.Client.CallRemoteAsync(new Sum { A = 20, B = 22 }, cancellationToken);
        await starting;
        Assert.That((await early).Total, Is.EqualTo(new BigInteger(42)));
        await pair.Server.StartTlsAsync(TestCertificates.ServerOptions(role: TlsRole.Server, engine: serverEngine), cancellationToken);
        await AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That(pair.Server.GetTlsLayers().Select(l => l.Engine), Is.EqualTo(new[] { serverEngine, serverEngine }));
    }

    /// <summary>TLS in TLS over AMP with the engines mixed per layer, one byte per read: BouncyCastle outside, the platform's inside, and the reverse.</summary>
    [TestCase(TlsEngine.BouncyCastle, TlsEngine.SslStream)]
    [TestCase(TlsEngine.SslStream, TlsEngine.BouncyCastle)]
    public async Task TlsInsideTlsWithTheEnginesMixedPerLayerOneBytePerRead(TlsEngine outer, TlsEngine inner, CancellationToken cancellationToken)
    {
        await using var pair = TlsPair(new InMemoryTransportOptions { MaxBytesPerRead = 1 }, outer, outer);
        await pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client, engine: outer), cancellationToken);
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client, engine: inner), cancellationToken);
        Task<SumResult> early = pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        TlsConnectionInfo second = await starting;
        Assert.That((await early).Total, Is.EqualTo(new BigInteger(3)));
        Assert.That((second.Depth, second.Engine), Is.EqualTo((2, inner)));
        Assert.That(pair.Server.GetTlsLayers().Select(l => l.Engine), Is.EqualTo(new[] { outer, outer }), "the answering side's own options (its engine) for both");
        await AssertCallsWorkAsync(pair, cancellationToken);
        await pair.Server.StopTlsAsync(cancellationToken);
        await pair.Client.StopTlsAsync(cancellationToken);
        await AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
    }

    public static IEnumerable<TestCaseData> SplitRounds() =>
        from engines in EngineCases.PairValues()
        from round in new[] { 0, 1 }
        select new TestCaseData(round, engines.Client, engines.Server);

    [TestCaseSource(nameof(SplitRounds))]
    public async Task RandomSplitsAroundTheBoundary(int round, TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount + round;
        TestContext.Out.WriteLine($"split seed: {seed}");
        await using var pair = TlsPair(new InMemoryTransportOptions { SplitSeed = seed }, clientEngine, serverEngine);
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client, engine: clientEngine), cancellationToken);
        Task<SumResult>[] fromClient = [.. Enumerable.Range(0, 20).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = 0 }, cancellationToken))];
        Task<SumResult>[] fromServer = [.. Enumerable.Range(0, 20).Select(i => pair.Server.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        await starting;
        Assert.That((await Task.WhenAll(fromClient)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(0, 20)));
        Assert.That((await Task.WhenAll(fromServer)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 20)));
        await pair.Server.StartTlsAsync(TestCertificates.ServerOptions(role: TlsRole.Server, engine: serverEngine), cancellationToken);
        await AssertCallsWorkAsync(pair, cancellationToken);
    }

    [Test]
    public async Task UnixSocketsWithAnExplicitRoleAndTheTransportRole(CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"amp-tls-{Guid.NewGuid():N}.sock");
        await using SocketListener listener = SocketListener.ListenUnix(path);
        Task<AmpTransport> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        await using AmpConnection client = AmpConnection.Start(await SocketTransport.ConnectUnixAsync(path, cancellationToken: cancellationToken));
        await using AmpConnection server = AmpConnection.Start(await accepting,
            new AmpConnectionOptions { Responders = InteropResponders.Create().AddStartTls(TestCertificates.ServerOptions()) });
        TlsConnectionInfo info = await client.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
        Assert.That(info.IsClient, Is.True);
        Assert.That((await client.CallRemoteAsync(new Sum { A = 3, B = 4 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(7)));
    }

    /// <summary>An in-memory pair answering StartTLS and StopTLS, the initiator as TLS client, each side with its own engine.</summary>
    internal static ConnectedPair TlsPair(InMemoryTransportOptions transport, TlsEngine initiatorEngine = TlsEngine.SslStream, TlsEngine acceptorEngine = TlsEngine.SslStream) =>
        ConnectedPair.Create(transport, configure: responders => responders.AddStopTls().AddStartTls(connection =>
            connection.Transport.Role == AmpTransportRole.Initiator
                ? TestCertificates.ClientOptions(role: TlsRole.Client, engine: initiatorEngine)
                : TestCertificates.ServerOptions(role: TlsRole.Server, engine: acceptorEngine)));

    internal static async Task AssertCallsWorkAsync(ConnectedPair pair, CancellationToken cancellationToken)
    {
        Assert.That((await pair.Client.CallRemoteAsync(new Sum { A = BigInteger.Pow(2, 70), B = 1 }, cancellationToken)).Total, Is.EqualTo(BigInteger.Pow(2, 70) + 1));
        Assert.That((await pair.Server.CallRemoteAsync(new Sum { A = 5, B = 6 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(11)));
        Assert.That((await pair.Client.CallRemoteAsync(new CallMeBack { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
        EchoValues echo = await pair.Client.CallRemoteAsync(new Echo { Bytes = new byte[60000] }, cancellationToken);
        Assert.That(echo.Bytes, Has.Length.EqualTo(60000));
    }
}

/// <summary>A TCP client connection and the server connection that accepted it, both answering the interop commands and StartTLS.</summary>
internal sealed class TcpPair : IAsyncDisposable
{
    private readonly SocketListener _listener;

    private TcpPair(SocketListener listener, AmpConnection client, Task<AmpConnection> server)
    {
        _listener = listener;
        Client = client;
        ServerConnection = server;
    }

    public AmpConnection Client { get; }

    public Task<AmpConnection> ServerConnection { get; }

    public static async Task<TcpPair> StartAsync(TlsLayerOptions serverTls, TlsLayerOptions clientTls, CancellationToken cancellationToken)
    {
        SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<AmpConnection> server = AcceptAsync(listener, serverTls, cancellationToken);
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        var client = AmpConnection.Start(transport, new AmpConnectionOptions { Responders = InteropResponders.Create().AddStartTls(clientTls).AddStopTls() });
        return new TcpPair(listener, client, server);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        if (ServerConnection.IsCompletedSuccessfully)
        {
            await ServerConnection.Result.DisposeAsync();
        }

        await _listener.DisposeAsync();
    }

    private static async Task<AmpConnection> AcceptAsync(SocketListener listener, TlsLayerOptions tls, CancellationToken cancellationToken)
    {
        AmpTransport transport = await listener.AcceptAsync(cancellationToken);
        return AmpConnection.Start(transport, new AmpConnectionOptions { Responders = InteropResponders.Create().AddStartTls(tls).AddStopTls() });
    }
}
