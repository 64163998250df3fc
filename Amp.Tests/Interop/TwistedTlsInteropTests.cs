using System.Net;
using System.Numerics;
using System.Security.Authentication;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Interop;

/// <summary>
/// StartTLS against a real Twisted peer (pyOpenSSL), both ways, with mutual certificates from a test CA, with
/// each of our TLS engines.
/// </summary>
[CancelAfter(60000)]
public sealed class TwistedTlsInteropTests
{
    public static IEnumerable<TestCaseData> EnginesAndVersions() =>
        from engine in Enum.GetValues<TlsEngine>()
        from version in new[] { SslProtocols.None, SslProtocols.Tls12 }
        select new TestCaseData(engine, version).SetArgDisplayNames(engine.ToString(), version == SslProtocols.None ? "newest version" : "TLS 1.2");

    [TestCaseSource(nameof(EnginesAndVersions))]
    public async Task WeStartTlsOnATwistedServer(TlsEngine engine, SslProtocols version, CancellationToken cancellationToken)
    {
        await using TwistedServer server = await TwistedServer.StartAsync(cancellationToken, TwistedTlsFiles.Trusting);
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", server.Port, cancellationToken: cancellationToken);
        await using AmpConnection connection = AmpConnection.Start(transport, new AmpConnectionOptions { Responders = InteropResponders.Create() });

        PeerInfoResult plain = await connection.CallRemoteAsync(new PeerInfo(), cancellationToken);
        Assert.That(plain.Tls, Is.False);
        Task<TlsConnectionInfo> starting = connection.StartTlsAsync(TestCertificates.ClientOptions(engine: engine) with { EnabledProtocols = version }, cancellationToken);
        Task<SumResult> early = connection.CallRemoteAsync(new Sum { A = BigInteger.Pow(2, 70), B = 1 }, cancellationToken);
        TlsConnectionInfo info = await starting;
        Assert.That((info.Engine, info.Protocol), Is.EqualTo((engine, version == SslProtocols.None ? SslProtocols.Tls13 : version)));
        Assert.That((await early).Total, Is.EqualTo(BigInteger.Pow(2, 70) + 1), "the box sent before the answer arrived inside TLS");
        Assert.That(info.IsClient, Is.True, "we connected, so we are the TLS client, as Twisted decides");
        Assert.That(info.PeerCertificate!.Subject, Is.EqualTo("CN=twisted-peer"));

        PeerInfoResult secured = await connection.CallRemoteAsync(new PeerInfo(), cancellationToken);
        Assert.That((secured.Tls, secured.Subject, secured.Issuer), Is.EqualTo((true, "amp-client", "Amp Test CA")));
        Assert.That((await connection.CallRemoteAsync(new CallMeBack { A = 20, B = 22 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(42)));
        EchoValues echo = await connection.CallRemoteAsync(new Echo { Bytes = new byte[60000], Text = "\u2603" }, cancellationToken);
        Assert.That(echo.Bytes, Has.Length.EqualTo(60000));
        TestContext.Out.WriteLine(info);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task ATwistedServerTrustingAnotherCaRejectsUsCleanly(TlsEngine engine, CancellationToken cancellationToken)
    {
        await using TwistedServer server = await TwistedServer.StartAsync(cancellationToken, TwistedTlsFiles.TrustingOtherCa);
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", server.Port, cancellationToken: cancellationToken);
        await using AmpConnection connection = AmpConnection.Start(transport);
        Task<TlsConnectionInfo> starting = connection.StartTlsAsync(TestCertificates.ClientOptions(engine: engine), cancellationToken);
        Task<SumResult> held = connection.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        // Twisted rejects our certificate; with TLS 1.3 our handshake completes first and the alert arrives on
        // the first read. Whichever way it arrives, the connection reports one cause: a TLS failure.
        Assert.CatchAsync<AmpException>(() => held);
        AmpConnectionLostException end = await connection.Completion.WaitAsync(cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.TlsFailure), end.ToString());
        Assert.That(end.InnerException, Is.InstanceOf<AmpTlsException>());
        Assert.That(((AmpTlsException)end.InnerException!).Failure, Is.AnyOf(TlsFailure.PeerRejectedCertificate, TlsFailure.PeerClosed), end.InnerException!.Message);
        await starting.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(cancellationToken);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task WeRefuseATwistedServerFromAnotherCa(TlsEngine engine, CancellationToken cancellationToken)
    {
        await using TwistedServer server = await TwistedServer.StartAsync(cancellationToken, TwistedTlsFiles.Trusting);
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", server.Port, cancellationToken: cancellationToken);
        await using AmpConnection connection = AmpConnection.Start(transport);
        var error = Assert.ThrowsAsync<AmpTlsException>(() => connection.StartTlsAsync(TestCertificates.ClientOptions(trust: TestCertificates.OtherAuthority, engine: engine), cancellationToken));
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.UntrustedCertificate));
        Assert.That(error.Message, Does.Contain("CN=twisted-peer"));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task ATwistedClientStartsTlsOnOurServer(TlsEngine engine, CancellationToken cancellationToken)
    {
        var (exitCode, output, errors) = await RunTwistedClientAgainstOurServerAsync("starttls", TwistedTlsFiles.Trusting, engine, cancellationToken);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)), Is.Empty, errors);
        Assert.That(lines, Has.Some.StartsWith("PASS starttls.peer-subject server=amp-server"));
        Assert.That(lines, Has.Some.StartsWith("PASS starttls.peerinfo client=twisted-peer"));
        Assert.That(lines, Has.Some.StartsWith("PASS starttls.buffered-sum"));
        Assert.That(lines, Has.Some.StartsWith("PASS starttls.callmeback"));
        Assert.That(exitCode, Is.Zero, errors);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task ATwistedClientTrustingAnotherCaFailsCleanly(TlsEngine engine, CancellationToken cancellationToken)
    {
        var (exitCode, output, errors) = await RunTwistedClientAgainstOurServerAsync("starttls-untrusted", TwistedTlsFiles.TrustingOtherCa, engine, cancellationToken);
        Assert.That(output, Does.Contain("PASS starttls-untrusted.rejected"), errors);
        Assert.That(exitCode, Is.Zero, errors);
    }

    private static async Task<(int, string, string)> RunTwistedClientAgainstOurServerAsync(string scenario, string[] tlsArguments, TlsEngine engine, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        var connections = new List<AmpConnection>();
        Task serving = Task.Run(async () =>
        {
            while (true)
            {
                AmpTransport transport = await listener.AcceptAsync(cancellationToken);
                var responders = new AmpResponders().AddObject(new InteropResponders()).AddStartTls(TestCertificates.ServerOptions(engine: engine));
                lock (connections)
                {
                    connections.Add(AmpConnection.Start(transport, new AmpConnectionOptions { Responders = responders }));
                }
            }
        }, cancellationToken);
        var result = await TwistedPeer.RunClientAsync(listener.Port, scenario, cancellationToken, tlsArguments);
        TestContext.Out.WriteLine(result.Output);
        await listener.DisposeAsync();
        foreach (AmpConnection connection in connections)
        {
            await connection.DisposeAsync();
        }

        await serving.ContinueWith(_ => { }, TaskScheduler.Default);
        return result;
    }
}
