using System.Numerics;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Cancellation;

/// <summary>Cancellation and per-call timeouts between two Amp.NET connections (spec/amp-wire.md §15.5).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class CancellationTests
{
    private static (AmpConnection Client, AmpConnection Server) Pair(HoldResponder holds, AmpConnectionOptions? server = null, TestLoggerProvider? log = null)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        AmpResponders responders = holds.AddTo(InteropResponders.Create());
        server ??= new AmpConnectionOptions();
        return (AmpConnection.Start(initiator, new AmpConnectionOptions { Name = "client" }),
            AmpConnection.Start(acceptor, new AmpConnectionOptions
            {
                Name = "server", Responders = responders, Extensions = server.Extensions, MaxConcurrentIncomingCalls = server.MaxConcurrentIncomingCalls,
                LoggerFactory = log?.CreateFactory() ?? server.LoggerFactory,
            }));
    }

    [Test]
    public async Task Cancelling_a_call_cancels_the_peers_responder_and_the_late_answer_is_dropped(CancellationToken cancellationToken)
    {
        var holds = new HoldResponder();
        using var log = new TestLoggerProvider();
        var (client, server) = Pair(holds, log: log);
        await using (client)
        await using (server)
        {
            using var cancel = new CancellationTokenSource();
            Task<HoldResult> call = client.CallRemoteAsync(new Hold { Id = 1 }, cancel.Token);
            await holds.Started(1).WaitAsync(cancellationToken);

            cancel.Cancel();
            Assert.That(call.IsCompleted, Is.True, "the caller's task ends at once");
            Assert.CatchAsync<OperationCanceledException>(() => call);
            await holds.Cancelled(1).WaitAsync(cancellationToken);

            Assert.That((await client.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(5)));
            await Eventually.TrueAsync(() => server.RunningResponders == 0 && client.PendingCallCount == 0, cancellationToken);
            Assert.That(log.Entries.Any(entry => entry.EventId.Id == AmpEventId.CallCancelled), Is.True, "the responder answered CANCELLED");
            Assert.That((client.IsConnected, server.IsConnected), Is.EqualTo((true, true)));
        }
    }

    [Test]
    public async Task A_call_timeout_fails_the_call_with_TimeoutException_and_cancels_the_peers_responder(CancellationToken cancellationToken)
    {
        var holds = new HoldResponder();
        var (client, server) = Pair(holds);
        await using (client)
        await using (server)
        {
            // Negotiated first, so the timeout also travels with the call.
            Assert.That(await client.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.Default));
            var timedOut = Assert.ThrowsAsync<TimeoutException>(() => client.CallRemoteAsync(new Hold { Id = 1 }, TimeSpan.FromMilliseconds(200), cancellationToken));
            Assert.That(timedOut!.Message, Does.Contain("Hold").And.Contain("0.2 s"));
            await holds.Cancelled(1).WaitAsync(cancellationToken);

            // The caller's own token still wins over the timeout, and an infinite timeout is no timeout.
            using var cancel = new CancellationTokenSource();
            Task<HoldResult> second = client.CallRemoteAsync(new Hold { Id = 2 }, TimeSpan.FromHours(1), cancel.Token);
            await holds.Started(2).WaitAsync(cancellationToken);
            cancel.Cancel();
            Assert.CatchAsync<OperationCanceledException>(() => second);
            await holds.Cancelled(2).WaitAsync(cancellationToken);
            Assert.That((await client.CallRemoteAsync(new Sum { A = 1, B = 1 }, Timeout.InfiniteTimeSpan, cancellationToken)).Total, Is.EqualTo(new BigInteger(2)));
            Assert.Throws<ArgumentOutOfRangeException>(() => client.CallRemoteAsync(new Sum(), TimeSpan.Zero, cancellationToken));
        }
    }

    [Test]
    public async Task A_cancel_for_a_call_set_aside_makes_it_start_cancelled_and_never_waits_behind_it(CancellationToken cancellationToken)
    {
        // One responder slot: call 2 is set aside behind call 1. Cancelling 2 then 1 must not leave the
        // cancel of 1 waiting behind call 2, which waits for the slot call 1 holds.
        var holds = new HoldResponder();
        var (client, server) = Pair(holds, new AmpConnectionOptions { MaxConcurrentIncomingCalls = 1 });
        await using (client)
        await using (server)
        {
            using var cancel1 = new CancellationTokenSource();
            using var cancel2 = new CancellationTokenSource();
            Task<HoldResult> first = client.CallRemoteAsync(new Hold { Id = 1 }, cancel1.Token);
            await holds.Started(1).WaitAsync(cancellationToken);
            Task<HoldResult> second = client.CallRemoteAsync(new Hold { Id = 2 }, cancel2.Token);
            Assert.That((await client.NegotiateExtensionsAsync(cancellationToken)), Is.EqualTo(AmpExtensions.Default), "the hello is answered at once, never set aside behind call 2");

            cancel2.Cancel();
            cancel1.Cancel();
            await holds.Cancelled(1).WaitAsync(cancellationToken);
            await holds.Cancelled(2).WaitAsync(cancellationToken);
            Assert.CatchAsync<OperationCanceledException>(() => first);
            Assert.CatchAsync<OperationCanceledException>(() => second);
            Assert.That((await client.CallRemoteAsync(new Sum { A = 2, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(4)));
        }
    }

    [Test]
    public async Task A_responders_token_fires_when_the_connection_ends(CancellationToken cancellationToken)
    {
        var holds = new HoldResponder();
        var (client, server) = Pair(holds);
        await using (server)
        {
            Task<HoldResult> call = client.CallRemoteAsync(new Hold { Id = 1 }, cancellationToken);
            await holds.Started(1).WaitAsync(cancellationToken);
            await client.CloseAsync();
            await holds.Cancelled(1).WaitAsync(cancellationToken);
            Assert.CatchAsync<AmpConnectionLostException>(() => call);
        }
    }

    [Test]
    public async Task Without_the_extension_on_the_peer_a_cancel_stays_on_this_side(CancellationToken cancellationToken)
    {
        var holds = new HoldResponder();
        var (client, server) = Pair(holds, new AmpConnectionOptions { Extensions = AmpExtensions.None });
        await using (client)
        await using (server)
        {
            Assert.That(await client.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.None));
            using var cancel = new CancellationTokenSource();
            Task<HoldResult> call = client.CallRemoteAsync(new Hold { Id = 1 }, cancel.Token);
            await holds.Started(1).WaitAsync(cancellationToken);
            cancel.Cancel();
            Assert.CatchAsync<OperationCanceledException>(() => call);

            // A box sent after the cancel is read after anything the cancel could have sent.
            Assert.That((await client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
            Assert.That(holds.Cancelled(1).IsCompleted, Is.False, "nothing reached the peer's responder");
            Assert.That(server.RunningResponders, Is.EqualTo(1));
        }

        await holds.Cancelled(1).WaitAsync(cancellationToken);
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task Cancellation_reaches_the_peer_through_TLS_layers(int layers, CancellationToken cancellationToken)
    {
        var holds = new HoldResponder();
        await using ConnectedPair pair = ConnectedPair.Create(configure: responders => holds.AddTo(responders).AddStartTls(connection =>
            connection.Transport.Role == AmpTransportRole.Initiator ? TestCertificates.ClientOptions(role: TlsRole.Client) : TestCertificates.ServerOptions(role: TlsRole.Server)));
        for (int i = 0; i < layers; i++)
        {
            await pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        }

        using var cancel = new CancellationTokenSource();
        Task<HoldResult> call = pair.Client.CallRemoteAsync(new Hold { Id = 7 }, cancel.Token);
        await holds.Started(7).WaitAsync(cancellationToken);
        cancel.Cancel();
        await holds.Cancelled(7).WaitAsync(cancellationToken);
        Assert.CatchAsync<OperationCanceledException>(() => call);
        Assert.That(pair.Client.LayerDepth, Is.EqualTo(layers));
    }
}
