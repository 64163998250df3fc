using Amp.Tests.TestUtilities;
using System.IO.Pipelines;
using System.Threading.RateLimiting;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tls;

/// <summary>
/// <see cref="TlsLayerOptions.HandshakeLimiter"/> on the TLS layer itself: a server-side handshake takes a
/// permit before its TLS engine exists, waits for one within its timeout, fails with
/// <see cref="TlsFailure.TooManyHandshakes"/> without one, and gives it back however it ends, whatever the engine.
/// </summary>
[CancelAfter(60000)]
public sealed class TlsHandshakeLimitTests
{
    private static readonly TlsLayerOptions s_client = TestCertificates.ClientOptions(role: TlsRole.Client);

    public enum Failure
    {
        PeerCloses,
        PeerSendsGarbage,
        UntrustedClientCertificate,
        TimesOut,
        CallerCancels,
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task FailedTimedOutAndCancelledHandshakesGiveTheirPermitBackThenOneSucceeds(TlsEngine engine, CancellationToken cancellationToken)
    {
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 });
        TlsLayerOptions server = TestCertificates.ServerOptions(role: TlsRole.Server, engine: engine) with { HandshakeLimiter = limiter };
        for (int round = 0; round < 2; round++)
        {
            foreach (Failure failure in Enum.GetValues<Failure>())
            {
                await FailOneHandshakeAsync(server, failure, cancellationToken);
                Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(1), $"round {round}: {failure} kept its permit");
            }
        }

        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        Task<TlsLayer> serving = TlsLayer.StartAsync(acceptor, server, TlsRole.Server, cancellationToken);
        await using TlsLayer client = await TlsLayer.StartAsync(initiator, s_client with { Engine = engine }, TlsRole.Client, cancellationToken);
        await using TlsLayer layer = await serving;
        Assert.That(layer.Info.PeerCertificate!.Subject, Is.EqualTo("CN=amp-client"));
        Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(1));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task WithThePermitTakenAndTheQueueFullAHandshakeIsRefusedAtOnce(TlsEngine engine, CancellationToken cancellationToken)
    {
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 1 });
        TlsLayerOptions server = TestCertificates.ServerOptions(role: TlsRole.Server, engine: engine) with { HandshakeLimiter = limiter, HandshakeTimeout = TimeSpan.FromMinutes(5) };
        RateLimitLease taken = limiter.AttemptAcquire();
        ValueTask<RateLimitLease> waiting = limiter.AcquireAsync(1, cancellationToken);
        Assert.That(waiting.IsCompleted, Is.False);

        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        var refused = Assert.ThrowsAsync<AmpTlsException>(() => TlsLayer.StartAsync(acceptor, server, TlsRole.Server, cancellationToken))!;
        Assert.That(refused.Failure, Is.EqualTo(TlsFailure.TooManyHandshakes));
        Assert.That(refused.Message, Does.Contain("too many handshakes are in progress or waiting").And.Contain("HandshakeLimiter"));
        Assert.That(refused.DisconnectReason, Is.EqualTo(AmpDisconnectReason.TlsFailure));

        // Nothing TLS was sent: the refusal happened before the TLS engine existed.
        await acceptor.Output.CompleteAsync();
        ReadResult sent = await initiator.Input.ReadAsync(cancellationToken);
        Assert.That((sent.Buffer.Length, sent.IsCompleted), Is.EqualTo((0L, true)));

        taken.Dispose();
        (await waiting).Dispose();
        Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(1));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task AQueuedHandshakeRunsWhenThePermitIsGivenBack(TlsEngine engine, CancellationToken cancellationToken)
    {
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 1 });
        TlsLayerOptions server = TestCertificates.ServerOptions(role: TlsRole.Server, engine: engine) with { HandshakeLimiter = limiter, HandshakeTimeout = TimeSpan.FromMinutes(5) };
        RateLimitLease taken = limiter.AttemptAcquire();

        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;

        // The server side asks for its permit before StartAsync returns, so it is queued now.
        Task<TlsLayer> serving = TlsLayer.StartAsync(acceptor, server, TlsRole.Server, cancellationToken);
        Task<TlsLayer> connecting = TlsLayer.StartAsync(initiator, s_client with { Engine = engine }, TlsRole.Client, cancellationToken);
        Assert.That(limiter.GetStatistics()!.CurrentQueuedCount, Is.EqualTo(1));
        Assert.That(serving.IsCompleted, Is.False);

        taken.Dispose();
        await using TlsLayer client = await connecting;
        await using TlsLayer layer = await serving;
        Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(1));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task WaitingForAPermitCountsAgainstTheHandshakeTimeout(TlsEngine engine, CancellationToken cancellationToken)
    {
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 1 });
        TlsLayerOptions server = TestCertificates.ServerOptions(role: TlsRole.Server, engine: engine) with { HandshakeLimiter = limiter, HandshakeTimeout = TimeSpan.FromMilliseconds(300) };
        using RateLimitLease taken = limiter.AttemptAcquire();

        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        var refused = Assert.ThrowsAsync<AmpTlsException>(() => TlsLayer.StartAsync(acceptor, server, TlsRole.Server, cancellationToken))!;
        Assert.That(refused.Failure, Is.EqualTo(TlsFailure.TooManyHandshakes));
        Assert.That(refused.Message, Does.Contain("no handshake permit came within the handshake timeout of 0.3 s"));

        // The limiter fails the waiting request before it takes it off its queue (on the cancelling thread),
        // so the count drops just after the refusal, not necessarily before it.
        await Eventually.TrueAsync(() => limiter.GetStatistics()!.CurrentQueuedCount == 0, cancellationToken);
    }

    [Test]
    public async Task HandshakesAsTheTlsClientAreNotLimited(CancellationToken cancellationToken)
    {
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 });
        using RateLimitLease taken = limiter.AttemptAcquire();
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        Task<TlsLayer> serving = TlsLayer.StartAsync(acceptor, TestCertificates.ServerOptions(role: TlsRole.Server), TlsRole.Server, cancellationToken);
        await using TlsLayer client = await TlsLayer.StartAsync(initiator, s_client with { HandshakeLimiter = limiter }, TlsRole.Client, cancellationToken);
        await using TlsLayer layer = await serving;
        Assert.That(client.Info.IsClient, Is.True);
    }

    [Test]
    public async Task EachOptionsInstanceHasItsOwnDefaultLimiterThatCopiesShare(CancellationToken cancellationToken)
    {
        var options = new TlsLayerOptions();
        TlsLayerOptions copy = options with { TargetHost = "db1" };
        Assert.That(options.HandshakeLimiter, Is.InstanceOf<ConcurrencyLimiter>());
        Assert.That(copy.HandshakeLimiter, Is.SameAs(options.HandshakeLimiter));
        Assert.That(new TlsLayerOptions().HandshakeLimiter, Is.Not.SameAs(options.HandshakeLimiter));
        Assert.That((options with { HandshakeLimiter = null }).HandshakeLimiter, Is.Null);

        // 16 handshakes per processor in progress, four times as many waiting, then refusals.
        RateLimiter limiter = options.HandshakeLimiter!;
        int permits = 16 * Environment.ProcessorCount;
        Assert.That(limiter.GetStatistics()!.CurrentAvailablePermits, Is.EqualTo(permits));
        using RateLimitLease all = limiter.AttemptAcquire(permits);
        Assert.That(all.IsAcquired, Is.True);
        var queued = new List<ValueTask<RateLimitLease>>();
        for (int i = 0; i < 4 * permits; i++)
        {
            queued.Add(limiter.AcquireAsync(1, cancellationToken));
        }

        Assert.That(queued.All(q => !q.IsCompleted), Is.True);
        using RateLimitLease refused = await limiter.AcquireAsync(1, cancellationToken);
        Assert.That(refused.IsAcquired, Is.False);
        all.Dispose();
        foreach (ValueTask<RateLimitLease> waiter in queued)
        {
            using RateLimitLease lease = await waiter;
            Assert.That(lease.IsAcquired, Is.True);
        }
    }

    private static async Task FailOneHandshakeAsync(TlsLayerOptions server, Failure failure, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TlsLayerOptions options = failure == Failure.TimesOut ? server with { HandshakeTimeout = TimeSpan.FromMilliseconds(200) } : server;
        Task<TlsLayer> serving = TlsLayer.StartAsync(acceptor, options, TlsRole.Server, caller.Token);
        Task<TlsLayer>? connecting = null;
        switch (failure)
        {
            case Failure.PeerCloses:
                await initiator.Output.CompleteAsync();
                break;
            case Failure.PeerSendsGarbage:
                // A whole record header and body, so the TLS engine reads it and refuses it.
                await initiator.Output.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5 }, cancellationToken);
                break;
            case Failure.UntrustedClientCertificate:
                connecting = TlsLayer.StartAsync(initiator, s_client with { LocalCertificate = TestCertificates.Stranger, Engine = server.Engine }, TlsRole.Client, cancellationToken);
                break;
            case Failure.CallerCancels:
                await caller.CancelAsync();
                break;
        }

        if (failure == Failure.CallerCancels)
        {
            Assert.CatchAsync<OperationCanceledException>(() => serving);
        }
        else
        {
            var error = Assert.ThrowsAsync<AmpTlsException>(() => serving)!;
            TlsFailure expected = failure switch
            {
                Failure.PeerCloses => TlsFailure.PeerClosed,
                Failure.PeerSendsGarbage => TlsFailure.HandshakeFailed,
                Failure.UntrustedClientCertificate => TlsFailure.UntrustedCertificate,
                _ => TlsFailure.HandshakeTimedOut,
            };
            Assert.That(error.Failure, Is.EqualTo(expected), error.Message);
        }

        if (connecting is not null)
        {
            // The client's own outcome does not matter here (TLS 1.3 lets it finish first); it must just end.
            await acceptor.DisposeAsync();
            try
            {
                await (await connecting).DisposeAsync();
            }
            catch (AmpTlsException)
            {
            }
        }
    }
}
