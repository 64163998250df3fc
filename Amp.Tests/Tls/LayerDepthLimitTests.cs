using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tls;

/// <summary>MaxLayerDepth: a peer cannot nest layers without bound, and neither can this side.</summary>
[CancelAfter(60_000)]
public sealed class LayerDepthLimitTests
{
    [Test]
    public async Task APeersPushPastTheLimitIsRefusedWithItsCodeAndTheConnectionGoesOn(CancellationToken cancellationToken)
    {
        (AmpConnection client, AmpConnection server) = Pair(serverDepth: 2, clientDepth: 8);
        await using AmpConnection _ = client;
        await using AmpConnection __ = server;
        await client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        await client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);

        Task<SumResult> held = client.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken);
        var refused = Assert.ThrowsAsync<AmpRemoteException>(() => client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken));
        Assert.That(refused!.ErrorCode, Is.EqualTo(AmpErrorCodes.LayerDepthLimit));
        Assert.That(refused.Description, Does.Contain("MaxLayerDepth (2)"));
        Assert.That((await held).Total, Is.EqualTo(new System.Numerics.BigInteger(5)), "a call queued before the refused push goes out");
        await AssertCallsWorkAsync(client, server, cancellationToken);
        Assert.That((client.LayerDepth, server.LayerDepth), Is.EqualTo((2, 2)));
    }

    [Test]
    public async Task APushPastThisSidesLimitSendsNothing(CancellationToken cancellationToken)
    {
        (AmpConnection client, AmpConnection server) = Pair(serverDepth: 8, clientDepth: 1);
        await using AmpConnection _ = client;
        await using AmpConnection __ = server;
        await client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);

        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken));
        Assert.That(refused!.Message, Does.Contain("MaxLayerDepth (1)"));
        await AssertCallsWorkAsync(client, server, cancellationToken);
        Assert.That((client.LayerDepth, server.LayerDepth), Is.EqualTo((1, 1)), "after a round trip, both sides have the one layer");
    }

    [Test]
    public void TheLimitIsValidated() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AmpConnectionOptions { MaxLayerDepth = -1 });

    private static async Task AssertCallsWorkAsync(AmpConnection client, AmpConnection server, CancellationToken cancellationToken)
    {
        Assert.That((await client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new System.Numerics.BigInteger(3)));
        Assert.That((await server.CallRemoteAsync(new Sum { A = 5, B = 6 }, cancellationToken)).Total, Is.EqualTo(new System.Numerics.BigInteger(11)));
    }

    private static (AmpConnection Client, AmpConnection Server) Pair(int serverDepth, int clientDepth)
    {
        (InMemoryTransport initiator, InMemoryTransport acceptor) = InMemoryTransport.CreatePair();
        AmpResponders Responders(bool server) => InteropResponders.Create().AddStopTls().AddStartTls(server
            ? TestCertificates.ServerOptions(role: TlsRole.Server)
            : TestCertificates.ClientOptions(role: TlsRole.Client));
        var client = AmpConnection.Start(initiator, new AmpConnectionOptions { Responders = Responders(false), MaxLayerDepth = clientDepth, Name = "client" });
        var server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Responders = Responders(true), MaxLayerDepth = serverDepth, Name = "server" });
        return (client, server);
    }
}
