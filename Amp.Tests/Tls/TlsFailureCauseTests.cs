using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Tls.Engines;
using Amp.Tls.Engines.Platform;
using Amp.Transports;
using static Amp.Tests.Tls.TlsLayerStandaloneTests;

namespace Amp.Tests.Tls;

/// <summary>
/// Each <see cref="TlsFailure"/> the layer decides from types and codes (never message text), provoked for
/// real: alerts from an OpenSSL peer during and after the handshake, the peer hanging up or resetting,
/// the layer below failing, garbage, forged records, timeouts, and the message naming the innermost cause;
/// each with either engine (the same value, and the same message but for the engine's own error in it).
/// </summary>
[CancelAfter(60000)]
public sealed class TlsFailureCauseTests
{
    private static readonly TlsLayerOptions s_client = TestCertificates.ClientOptions(role: TlsRole.Client);
    private static readonly TlsLayerOptions s_server = TestCertificates.ServerOptions(role: TlsRole.Server);

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task ATls13ClientLearnsOnItsFirstReadThatAnOpenSslServerRefusedItsCertificate(TlsEngine engine, CancellationToken cancellationToken)
    {
        await using OpenSslPeer server = await OpenSslPeer.StartServerAsync("1.3", trusting: TestCertificates.OtherAuthority, cancellationToken);
        await using AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", server.Port, cancellationToken: cancellationToken);

        // TLS 1.3: the client's handshake is over before the server has looked at its certificate.
        TlsLayer layer = await TlsLayer.StartAsync(transport, s_client with { Engine = engine }, TlsRole.Client, cancellationToken);
        Assert.That((layer.Info.Protocol, layer.Info.Engine), Is.EqualTo((SslProtocols.Tls13, engine)));

        var refused = Assert.ThrowsAsync<AmpTlsException>(async () => await layer.Input.ReadAsync(cancellationToken));
        Assert.That(refused!.Failure, Is.EqualTo(TlsFailure.PeerRejectedCertificate), refused.Message);
        Assert.That(refused.DisconnectReason, Is.EqualTo(AmpDisconnectReason.TlsFailure));
        Assert.That(refused.Message, Does.Contain("unknown_ca (48)"));
        Assert.That(refused.InnerException, Is.InstanceOf<IOException>(), "the TLS engine's exception is kept as the inner exception");

        // The layer is broken: a write reports the same cause, not the engine's later "error 5".
        var again = Assert.ThrowsAsync<AmpTlsException>(async () => await layer.Output.WriteAsync(new byte[] { 1 }, cancellationToken));
        Assert.That(again!.Failure, Is.EqualTo(TlsFailure.PeerRejectedCertificate));
        await layer.DisposeAsync();
        await transport.DisposeAsync();
        Assert.That(await server.OutputAsync(cancellationToken), Does.Contain("handshake failed"));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task InTls12TheHandshakeItselfFailsWithTheOpenSslServersAlert(TlsEngine engine, CancellationToken cancellationToken)
    {
        await using OpenSslPeer server = await OpenSslPeer.StartServerAsync("1.2", trusting: TestCertificates.OtherAuthority, cancellationToken);
        await using AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", server.Port, cancellationToken: cancellationToken);

        var refused = Assert.ThrowsAsync<AmpTlsException>(() => TlsLayer.StartAsync(transport, s_client with { Engine = engine }, TlsRole.Client, cancellationToken));
        Assert.That(refused!.Failure, Is.EqualTo(TlsFailure.PeerRejectedCertificate), refused.Message);
        Assert.That(refused.Message, Does.Contain("unknown_ca (48)"));
        Assert.That(refused.Message, Does.Contain(EngineErrors.ReceivedAlertCause(engine)), "the innermost cause is named, not 'see inner exception'");
        Assert.That(refused.InnerException, Is.InstanceOf(EngineErrors.HandshakeExceptionType(engine)));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task ATls13ClientWithoutACertificateLearnsThatOneWasRequired(TlsEngine engine, CancellationToken cancellationToken)
    {
        await using OpenSslPeer server = await OpenSslPeer.StartServerAsync("1.3", trusting: TestCertificates.Authority, cancellationToken);
        await using AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", server.Port, cancellationToken: cancellationToken);

        TlsLayer layer = await TlsLayer.StartAsync(transport, s_client with { LocalCertificate = null, Engine = engine }, TlsRole.Client, cancellationToken);
        var refused = Assert.ThrowsAsync<AmpTlsException>(async () => await layer.Input.ReadAsync(cancellationToken));
        Assert.That(refused!.Failure, Is.EqualTo(TlsFailure.PeerRejectedCertificate), refused.Message);
        Assert.That(refused.Message, Does.Contain("certificate_required (116)"));
        await layer.DisposeAsync();
    }

    [TestCase("1.2", TlsEngine.SslStream)]
    [TestCase("1.3", TlsEngine.SslStream)]
    [TestCase("1.2", TlsEngine.BouncyCastle)]
    [TestCase("1.3", TlsEngine.BouncyCastle)]
    public async Task AServerWhoseCertificateAnOpenSslClientRefusesFailsItsHandshake(string version, TlsEngine engine, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        await using OpenSslPeer client = OpenSslPeer.StartClient(listener.Port, version, trusting: TestCertificates.OtherAuthority);
        await using AmpTransport transport = await listener.AcceptAsync(cancellationToken);

        var refused = Assert.ThrowsAsync<AmpTlsException>(() =>
            TlsLayer.StartAsync(transport, new TlsLayerOptions { LocalCertificate = TestCertificates.Server, Engine = engine }, TlsRole.Server, cancellationToken));
        Assert.That(refused!.Failure, Is.EqualTo(TlsFailure.PeerRejectedCertificate), refused.Message);
        Assert.That(refused.Message, Does.Contain("unknown_ca (48)"));
        await transport.DisposeAsync();
        Assert.That(await client.OutputAsync(cancellationToken), Does.Contain("handshake failed"));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task NoCommonVersionIsAnAlertForOneSideAndAHandshakeFailureForTheOther(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        Task<TlsLayer> server = TlsLayer.StartAsync(acceptor, s_server with { EnabledProtocols = SslProtocols.Tls13, Engine = serverEngine }, TlsRole.Server, cancellationToken);
        Task<TlsLayer> client = TlsLayer.StartAsync(initiator, s_client with { EnabledProtocols = SslProtocols.Tls12, Engine = clientEngine }, TlsRole.Client, cancellationToken);

        // The server finds no common version and says so with an alert; the client receives it.
        var serverError = Assert.ThrowsAsync<AmpTlsException>(() => server);
        Assert.That(serverError!.Failure, Is.EqualTo(TlsFailure.HandshakeFailed), serverError.Message);
        Assert.That(serverError.Message, Does.Contain(EngineErrors.LocalFailureCause(serverEngine)));
        var clientError = Assert.ThrowsAsync<AmpTlsException>(() => client);
        Assert.That(clientError!.Failure, Is.EqualTo(TlsFailure.AlertReceived), clientError.Message);
        Assert.That(clientError.Message, Does.Contain("protocol_version (70)"));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task APeerHangingUpDuringTheHandshakeIsPeerClosed(TlsEngine engine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        Task<TlsLayer> client = TlsLayer.StartAsync(initiator, s_client with { Engine = engine }, TlsRole.Client, cancellationToken);
        await acceptor.Output.CompleteAsync();
        var error = Assert.ThrowsAsync<AmpTlsException>(() => client);
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.PeerClosed), error.Message);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task APeerResettingDuringTheHandshakeIsPeerClosed(TlsEngine engine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        Task<TlsLayer> client = TlsLayer.StartAsync(initiator, s_client with { Engine = engine }, TlsRole.Client, cancellationToken);
        var reset = new IOException("connection reset", new SocketException((int)SocketError.ConnectionReset));
        await acceptor.Output.CompleteAsync(reset);
        var error = Assert.ThrowsAsync<AmpTlsException>(() => client);
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.PeerClosed), error.Message);
        Assert.That(error.Message, Does.Contain("reset"));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task TheLayerBelowFailingDuringTheHandshakeIsTransportFailed(TlsEngine engine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        Task<TlsLayer> client = TlsLayer.StartAsync(initiator, s_client with { Engine = engine }, TlsRole.Client, cancellationToken);
        await acceptor.Output.CompleteAsync(new InvalidDataException("the outer layer broke"));
        var error = Assert.ThrowsAsync<AmpTlsException>(() => client);
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.TransportFailed), error.Message);
        Assert.That(error.Message, Does.Contain("InvalidDataException: the outer layer broke"));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task SomethingThatIsNotTlsIsAHandshakeFailureNamingTheCause(TlsEngine engine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        Task<TlsLayer> client = TlsLayer.StartAsync(initiator, s_client with { Engine = engine }, TlsRole.Client, cancellationToken);
        await acceptor.Output.WriteAsync("HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray(), cancellationToken);
        var error = Assert.ThrowsAsync<AmpTlsException>(() => client);
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.HandshakeFailed), error.Message);
        Assert.That(error.Message, Does.Contain(EngineErrors.NotTlsCause(engine)));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task ASilentPeerTimesOutButTheCallersCancellationIsACancellation(TlsEngine engine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        var timedOut = Assert.ThrowsAsync<AmpTlsException>(() =>
            TlsLayer.StartAsync(initiator, s_client with { HandshakeTimeout = TimeSpan.FromMilliseconds(300), Engine = engine }, TlsRole.Client, cancellationToken));
        Assert.That(timedOut!.Failure, Is.EqualTo(TlsFailure.HandshakeTimedOut));

        var (initiator2, acceptor2) = InMemoryTransport.CreatePair();
        await using var ___ = initiator2;
        await using var ____ = acceptor2;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = Assert.CatchAsync<OperationCanceledException>(() => TlsLayer.StartAsync(initiator2, s_client with { Engine = engine }, TlsRole.Client, cancel.Token));
        Assert.That(cancelled!.CancellationToken, Is.EqualTo(cancel.Token));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task AForgedRecordAfterTheHandshakeIsAProtocolError(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        (TlsLayer client, TlsLayer server) = await HandshakeAsync(new DuplexPipe(toClient, toServer), new DuplexPipe(toServer, toClient), cancellationToken, clientEngine, serverEngine);

        // An application-data record of the right shape that the server's keys never made.
        byte[] forged = [0x17, 0x03, 0x03, 0x00, 0x20, .. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];
        await toClient.Writer.WriteAsync(forged, cancellationToken);
        var error = Assert.ThrowsAsync<AmpTlsException>(async () => await ReadTextAsync(client.Input, 1, cancellationToken));
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.ProtocolError), error.Message);
        Assert.That(error.Message, Does.Contain("Reading from the TLS layer failed"));
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task AfterTheHandshakeAFailureOfTheLayerBelowPassesThroughUnchanged(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        var toClient = new Pipe();
        var toServer = new Pipe();
        (TlsLayer client, TlsLayer server) = await HandshakeAsync(new DuplexPipe(toClient, toServer), new DuplexPipe(toServer, toClient), cancellationToken, clientEngine, serverEngine);
        var broken = new IOException("the socket broke");
        await toClient.Writer.CompleteAsync(broken);
        var error = Assert.CatchAsync<Exception>(async () => await ReadTextAsync(client.Input, 1, cancellationToken));
        Assert.That(error, Is.SameAs(broken), "not a TLS failure: the connection reports the transport's own error");
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task AStartTlsRefusedByAlertIsLoggedWithItsRealCause(TlsEngine engine, CancellationToken cancellationToken)
    {
        using var logs = new TestLoggerProvider();
        using var loggerFactory = logs.CreateFactory();
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions
        {
            Responders = new AmpResponders().AddStartTls(s_server with { EnabledProtocols = SslProtocols.Tls13, Engine = engine }),
        });
        await using AmpConnection client = AmpConnection.Start(initiator, new AmpConnectionOptions { LoggerFactory = loggerFactory });

        var error = Assert.ThrowsAsync<AmpTlsException>(() => client.StartTlsAsync(s_client with { EnabledProtocols = SslProtocols.Tls12, Engine = engine }, cancellationToken));
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.AlertReceived));
        LogEntry logged = logs.Entries.Single(e => e.EventId.Id == AmpEventId.TlsHandshakeFailed);
        Assert.That(logged.Category, Is.EqualTo("Amp.Tls"));
        Assert.That(logged.Message, Does.Contain("AlertReceived").And.Contain("protocol_version (70)").And.Contain(EngineErrors.ReceivedAlertCause(engine)));
        Assert.That(logged.Message, Does.Not.EndWith("see inner exception."));
    }

    [Test]
    public void TheTextOfTheMessageIsNeverWhatDecides()
    {
        // Same words as a peer close or an alert, but no code, no flag: an ordinary handshake failure.
        var misleading = new AuthenticationException("EOF: connection closed, 0 bytes, tlsv1 alert unknown ca");
        foreach (TlsEngine engine in Enum.GetValues<TlsEngine>())
        {
            ITlsEngine tls = TlsEngines.For(engine);
            Assert.That(tls.TryGetReceivedAlert(misleading, out _), Is.False);
            var records = new TlsRecordStream(new DuplexPipe(new Pipe(), new Pipe()));
            Assert.That(TlsErrors.FromHandshake(misleading, new PeerVerdict(), records, tls).Failure, Is.EqualTo(TlsFailure.HandshakeFailed));
            Assert.That(TlsErrors.FromTransfer(new IOException("closed"), records, "Reading", tls)!.Failure, Is.EqualTo(TlsFailure.ProtocolError));
        }
    }

    [Test]
    public void TheAlertIsReadFromTheOpenSslErrorCode()
    {
        // CI runs on Debian with OpenSSL 3, whose error codes these are; anywhere else this test must fail loudly, not skip.
        Assert.That(OperatingSystem.IsLinux() && System.Security.Cryptography.SafeEvpPKeyHandle.OpenSslVersion >= 0x3000_0000, Is.True, "the codes below are OpenSSL 3's");
        // error:0A000418:SSL routines::tlsv1 alert unknown ca, as OpenSSL 3 reports a received unknown_ca.
        var engine = new System.Security.Cryptography.CryptographicException("any text") { HResult = 0x0A000418 };
        Assert.That(OpenSslAlerts.TryGetReceivedAlert(new IOException("wrapped", engine), out int alert), Is.True);
        Assert.That(alert, Is.EqualTo(48));

        // error:0A000102 (unsupported protocol) is OpenSSL's own verdict, not a received alert.
        var local = new System.Security.Cryptography.CryptographicException("tlsv1 alert protocol version") { HResult = 0x0A000102 };
        Assert.That(OpenSslAlerts.TryGetReceivedAlert(local, out _), Is.False);
    }
}
