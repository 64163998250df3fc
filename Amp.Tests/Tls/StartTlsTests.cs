using System.Net;
using System.Numerics;
using System.Security.Authentication;
using Amp.Dispatch;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tls;

/// <summary>StartTLS between two Amp.NET peers: roles, held boxes, nesting, every split.</summary>
[CancelAfter(30000)]
public sealed class StartTlsTests
{
    [Test]
    public async Task OverTcpTheConnectingSideIsTheTlsClientAndBothSeeTheRightCertificate(CancellationToken cancellationToken)
    {
        await using TcpPair pair = await TcpPair.StartAsync(TestCertificates.ServerOptions(), TestCertificates.ClientOptions(), cancellationToken);
        TlsConnectionInfo info = await pair.Client.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
        Assert.That(info.IsClient, Is.True);
        Assert.That(info.PeerCertificate!.Subject, Is.EqualTo("CN=amp-server"));
        Assert.That(info.Protocol, Is.AnyOf(SslProtocols.Tls12, SslProtocols.Tls13));
        Assert.That((await pair.Client.CallRemoteAsync(new CallMeBack { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
        AmpConnection server = await pair.ServerConnection;
        TlsConnectionInfo serverInfo = server.GetTlsLayers().Single();
        Assert.That(serverInfo.IsClient, Is.False);
        Assert.That(serverInfo.PeerCertificate!.Subject, Is.EqualTo("CN=amp-client"));
        Assert.That(pair.Client.Layers, Does.EndWith("tls(1.3)").Or.EndWith("tls(1.2)"));
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

    [Test]
    public async Task EveryBoundaryPositionWithOneBytePerRead(CancellationToken cancellationToken)
    {
        await using var pair = TlsPair(new InMemoryTransportOptions { MaxBytesPerRead = 1 });
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        Task<SumResult> early = pair.Client.CallRemoteAsync(new Sum { A = 20, B = 22 }, cancellationToken);
        await starting;
        Assert.That((await early).Total, Is.EqualTo(new BigInteger(42)));
        await pair.Server.StartTlsAsync(TestCertificates.ServerOptions(role: TlsRole.Server), cancellationToken);
        await AssertCallsWorkAsync(pair, cancellationToken);
    }

    [Test]
    public async Task RandomSplitsAroundTheBoundary([Range(0, 3)] int round, CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount + round;
        TestContext.Out.WriteLine($"split seed: {seed}");
        await using var pair = TlsPair(new InMemoryTransportOptions { SplitSeed = seed });
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        Task<SumResult>[] fromClient = [.. Enumerable.Range(0, 20).Select(i => pair.Client.CallRemoteAsync(new Sum { A = i, B = 0 }, cancellationToken))];
        Task<SumResult>[] fromServer = [.. Enumerable.Range(0, 20).Select(i => pair.Server.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        await starting;
        Assert.That((await Task.WhenAll(fromClient)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(0, 20)));
        Assert.That((await Task.WhenAll(fromServer)).Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 20)));
        await pair.Server.StartTlsAsync(TestCertificates.ServerOptions(role: TlsRole.Server), cancellationToken);
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

    internal static ConnectedPair TlsPair(InMemoryTransportOptions transport) =>
        ConnectedPair.Create(transport, configure: responders => responders.AddStopTls().AddStartTls(connection =>
            connection.Transport.Role == AmpTransportRole.Initiator
                ? TestCertificates.ClientOptions(role: TlsRole.Client)
                : TestCertificates.ServerOptions(role: TlsRole.Server)));

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
