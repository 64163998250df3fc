using System.Net;
using System.Threading.RateLimiting;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Tests.Tls;

/// <summary>
/// The handshake limit behind StartTLS: a peer that answers nothing after StartTLS holds its permit; a
/// StartTLS past the limit ends its connection as any failed handshake does; permits come back.
/// </summary>
[CancelAfter(60000)]
public sealed class StartTlsHandshakeLimitTests
{
    [Test]
    public async Task WhileOneHandshakeIsHeldASecondStartTlsFailsWithTooManyHandshakesAndOneAfterItSucceeds(CancellationToken cancellationToken)
    {
        using var limiter = new ObservedLimiter(new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 }));
        using var log = new TestLoggerProvider();
        using ILoggerFactory loggerFactory = log.CreateFactory();
        AmpConnectionOptions serverOptions = ServerOptions(limiter, loggerFactory);

        // The first: StartTLS, then no ClientHello. Its handshake holds the only permit.
        await using RawPeer held = RawPeer.Start(serverOptions);
        await SendStartTlsAsync(held, cancellationToken);
        await limiter.WaitForAcquiredAsync(cancellationToken);

        // The second (over TCP, to see what a real peer sees) is answered, then its connection ends as for
        // any failed handshake: the client reads the end of the stream during its handshake.
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        (AmpConnection refused, AmpConnection refusingServer) = await ConnectTcpAsync(listener, serverOptions, cancellationToken);
        await using AmpConnection _ = refused;
        await using AmpConnection __ = refusingServer;
        var clientError = Assert.ThrowsAsync<AmpTlsException>(() => refused.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken))!;
        Assert.That(clientError.Failure, Is.EqualTo(TlsFailure.PeerClosed), clientError.Message);
        Assert.That(clientError.Message, Does.Contain("too many handshakes in progress"));
        AmpConnectionLostException serverEnd = await refusingServer.Completion.WaitAsync(cancellationToken);
        Assert.That(serverEnd.Reason, Is.EqualTo(AmpDisconnectReason.TlsFailure));
        Assert.That(((AmpTlsException)serverEnd.InnerException!).Failure, Is.EqualTo(TlsFailure.TooManyHandshakes));
        LogEntry failed = log.Entries.Single(e => e.EventId.Id == AmpEventId.TlsHandshakeFailed);
        Assert.That((failed.Level, failed.Category), Is.EqualTo((LogLevel.Warning, "Amp.Tls")));
        Assert.That(failed.Message, Does.Contain("TooManyHandshakes"));

        // The first finishes its handshake and gives its permit back: the next StartTLS succeeds.
        await using TlsLayer heldTls = await TlsLayer.StartAsync(held.Transport, TestCertificates.ClientOptions(role: TlsRole.Client), TlsRole.Client, cancellationToken);
        await limiter.WaitForReleasedAsync(cancellationToken);
        (AmpConnection welcome, AmpConnection welcomingServer) = await ConnectTcpAsync(listener, serverOptions, cancellationToken);
        await using AmpConnection ___ = welcome;
        await using AmpConnection ____ = welcomingServer;
        TlsConnectionInfo tls = await welcome.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
        Assert.That(tls.PeerCertificate!.Subject, Is.EqualTo("CN=amp-server"));
        Assert.That(log.Entries.Count(e => e.EventId.Id == AmpEventId.TlsHandshakeFailed), Is.EqualTo(1));
    }

    [TestCase(true, TestName = "APermitHeldByAHandshakeComesBackWhenThePeerCloses")]
    [TestCase(false, TestName = "APermitHeldByAHandshakeComesBackWhenTheConnectionIsClosed")]
    public async Task APermitHeldByAHandshakeComesBackWhenItsConnectionEnds(bool peerCloses, CancellationToken cancellationToken)
    {
        using var limiter = new ObservedLimiter(new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 }));

        // A handshake timeout far beyond the hang detector: only the end of the connection can end it.
        AmpConnectionOptions serverOptions = ServerOptions(limiter, null, TimeSpan.FromMinutes(10));
        for (int i = 0; i < 3; i++)
        {
            await using RawPeer held = RawPeer.Start(serverOptions);
            await SendStartTlsAsync(held, cancellationToken);
            await limiter.WaitForAcquiredAsync(cancellationToken);
            if (peerCloses)
            {
                await held.CompleteOutputAsync();
            }
            else
            {
                await held.Connection.DisposeAsync();
            }

            await limiter.WaitForReleasedAsync(cancellationToken);
            Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(1));
            AmpConnectionLostException end = await held.Connection.Completion.WaitAsync(cancellationToken);
            Assert.That(end.Reason, peerCloses ? Is.EqualTo(AmpDisconnectReason.TlsFailure) : Is.EqualTo(AmpDisconnectReason.LocallyClosed));
        }

        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using AmpConnection server = AmpConnection.Start(acceptor, serverOptions);
        await using AmpConnection client = AmpConnection.Start(initiator);
        await client.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
    }

    private static AmpConnectionOptions ServerOptions(RateLimiter limiter, ILoggerFactory? loggerFactory, TimeSpan? handshakeTimeout = null)
    {
        // Role Server: the raw peer's end of the pair is the acceptor, so our connection sits on the initiator.
        TlsLayerOptions tls = TestCertificates.ServerOptions(role: TlsRole.Server) with
        {
            HandshakeLimiter = limiter,
            HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromMinutes(10),
        };
        return new AmpConnectionOptions
        {
            Responders = new AmpResponders().AddStartTls(tls),
            LoggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            Name = "server",
        };
    }

    private static async Task<(AmpConnection Client, AmpConnection Server)> ConnectTcpAsync(SocketListener listener, AmpConnectionOptions serverOptions, CancellationToken cancellationToken)
    {
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        var client = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken));
        return (client, AmpConnection.Start(await accepting, serverOptions));
    }

    /// <summary>Sends StartTLS as a raw peer and reads its plaintext answer; the handshake is the peer's to start.</summary>
    private static async Task SendStartTlsAsync(RawPeer peer, CancellationToken cancellationToken)
    {
        await peer.WriteBoxAsync(new AmpBox().SetString("_ask", "1").SetString("_command", "StartTLS"), cancellationToken);
        AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(answer.GetString("_answer"), Is.EqualTo("1"));
    }
}
