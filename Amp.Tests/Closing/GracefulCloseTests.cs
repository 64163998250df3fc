using Amp.Compression;
using Amp.Tests.Streams;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;

namespace Amp.Tests.Closing;

/// <summary>
/// <c>CloseAsync(CancellationToken)</c> between two Amp.NET peers, in memory and over TCP, in plaintext and
/// inside TLS: calls in flight both ways finish, new calls fail on both sides, then the connection closes.
/// </summary>
[CancelAfter(60_000)]
public sealed class GracefulCloseTests
{
    [TestCase(Link.InMemory, false)]
    [TestCase(Link.InMemory, true)]
    [TestCase(Link.Tcp, false)]
    [TestCase(Link.Tcp, true)]
    public async Task CallsInFlightBothWaysFinishAndNewCallsFailOnBothSides(Link link, bool tls, CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(link, tls, cancellationToken);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        Task<HoldResult> theirs = pair.Server.CallRemoteAsync(new Hold { Key = 2 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);
        await pair.ClientHolds.Entered(2).WaitAsync(cancellationToken);

        ValueTask closing = pair.Client.CloseAsync(cancellationToken);
        Assert.That(pair.Client.GoingAway.IsCancellationRequested, Is.True, "new calls are refused from the moment CloseAsync is called");
        await ClosingPair.Signalled(pair.Server.GoingAway).WaitAsync(cancellationToken);

        AmpConnectionClosingException here = Assert.ThrowsAsync<AmpConnectionClosingException>(() => pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken))!;
        AmpConnectionClosingException there = Assert.ThrowsAsync<AmpConnectionClosingException>(() => pair.Server.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken))!;
        Assert.Multiple(() =>
        {
            Assert.That(here.ByPeer, Is.False);
            Assert.That(here.Message, Does.Contain("Sum was not sent"));
            Assert.That(there.ByPeer, Is.True);
            Assert.That(there.Message, Does.Contain("the peer said it is going away"));
            Assert.That(ours.IsCompleted || theirs.IsCompleted, Is.False, "calls in flight are still waiting for their answers");
            Assert.That(pair.Client.IsConnected && pair.Server.IsConnected, Is.True, "a call in flight keeps the connection open");
        });

        pair.ServerHolds.Release(1);
        pair.ClientHolds.Release(2);
        Assert.That((await ours).Key, Is.EqualTo(1));
        Assert.That((await theirs).Key, Is.EqualTo(2));
        await closing;

        Assert.That((await pair.Client.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
        Assert.That((await pair.Server.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.ThrowsAsync<AmpConnectionLostException>(() => pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken),
            "after the end, calls fail with the end, not with the close");
    }

    [TestCase(Link.InMemory, false)]
    [TestCase(Link.Tcp, true)]
    public async Task BothSidesClosingGracefullyAtOnceBothEndCleanly(Link link, bool tls, CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(link, tls, cancellationToken);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        Task<HoldResult> theirs = pair.Server.CallRemoteAsync(new Hold { Key = 2 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);
        await pair.ClientHolds.Entered(2).WaitAsync(cancellationToken);

        Task closingClient = pair.Client.CloseAsync(cancellationToken).AsTask();
        Task closingServer = pair.Server.CloseAsync(cancellationToken).AsTask();
        Assert.ThrowsAsync<AmpConnectionClosingException>(() => pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken));
        Assert.ThrowsAsync<AmpConnectionClosingException>(() => pair.Server.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken));

        pair.ServerHolds.Release(1);
        pair.ClientHolds.Release(2);
        Assert.That((await ours).Key, Is.EqualTo(1));
        Assert.That((await theirs).Key, Is.EqualTo(2));
        await Task.WhenAll(closingClient, closingServer);
        Assert.That((await pair.Client.Completion).Reason, Is.AnyOf(AmpDisconnectReason.LocallyClosed, AmpDisconnectReason.RemoteClosed));
        Assert.That((await pair.Server.Completion).Reason, Is.AnyOf(AmpDisconnectReason.LocallyClosed, AmpDisconnectReason.RemoteClosed));
    }

    [Test]
    public async Task ThePeersCallsThatCrossTheNoticeAreAnsweredAndTheCloseWaitsForThem(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken);
        pair.ClientHolds.ReleaseAll();

        // The server calls while the client's notice is on its way, until it has read it: the calls cross it.
        ValueTask closing = pair.Client.CloseAsync(cancellationToken);
        var calls = new List<Task<HoldResult>>();
        while (!pair.Server.GoingAway.IsCancellationRequested)
        {
            calls.Add(pair.Server.CallRemoteAsync(new Hold { Key = calls.Count }, cancellationToken));
            if (calls.Count % 4 == 0)
            {
                await Task.Yield();
            }
        }

        Task<HoldResult> late = pair.Server.CallRemoteAsync(new Hold { Key = -1 }, cancellationToken);
        Assert.That(late.IsFaulted, Is.True, "once the server has read the notice, its new calls fail at once");
        Assert.That(late.Exception!.InnerException, Is.InstanceOf<AmpConnectionClosingException>().Or.InstanceOf<AmpConnectionLostException>());
        await closing;
        for (int key = 0; key < calls.Count; key++)
        {
            Exception? failure = await Outcome(calls[key]);
            if (pair.ClientHolds.Entered(key).IsCompleted)
            {
                Assert.That(failure, Is.Null, $"call {key} reached the client, so it is answered before the close");
            }
            else
            {
                // Refused before it was sent; or, its thread paused between the gate and the queue for the whole close, the connection's end.
                Assert.That(failure, Is.InstanceOf<AmpConnectionClosingException>().Or.InstanceOf<AmpConnectionLostException>(), $"call {key}");
            }
        }

        TestContext.Out.WriteLine($"{calls.Count(c => c.IsCompletedSuccessfully)} of {calls.Count} crossing calls were sent and answered");
    }

    private static async Task<Exception?> Outcome(Task call)
    {
        try
        {
            await call;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Test]
    public async Task EveryKindOfNewCallIsRefusedAndNothingOfItIsSent(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken);
        Task<HoldResult> inFlight = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);
        ValueTask closing = pair.Client.CloseAsync(cancellationToken);

        Task[] refused =
        [
            pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken),
            pair.Client.SendAsync(new Notify { Message = "hi" }, cancellationToken),
            pair.Client.CallRemoteStringAsync("Sum", null, cancellationToken),
            pair.Client.SendRemoteStringAsync("Notify", null, cancellationToken),
            pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken),
            pair.Client.StartCompressionAsync(cancellationToken: cancellationToken),
            pair.Client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken),
            pair.Client.CallRemoteAsync(new Upload { Data = new PatternStream(100, 1) }, cancellationToken),
            pair.Client.CallRemoteAsync(new Download { Length = 100 }, cancellationToken),
        ];
        foreach (Task call in refused)
        {
            Assert.That(call.IsFaulted, Is.True, "refused at once");
            Assert.That(call.Exception!.InnerException, Is.InstanceOf<AmpConnectionClosingException>());
        }

        pair.ServerHolds.Release(1);
        await inFlight;
        await closing;
        Assert.That(pair.Server.GetLayers(), Is.Empty, "no layer change reached the server");
        Assert.That(pair.ServerResponders.Received, Is.Empty, "no Notify reached the server");
    }

    [Test]
    public async Task WithoutTheExtensionThePeerIsNotToldAndCallsInFlightStillFinish(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken, serverExtensions: AmpExtensions.None);
        Task<HoldResult> ours = pair.Client.CallRemoteAsync(new Hold { Key = 1 }, cancellationToken);
        Task<HoldResult> theirs = pair.Server.CallRemoteAsync(new Hold { Key = 2 }, cancellationToken);
        await pair.ServerHolds.Entered(1).WaitAsync(cancellationToken);
        await pair.ClientHolds.Entered(2).WaitAsync(cancellationToken);

        ValueTask closing = pair.Client.CloseAsync(cancellationToken);
        Assert.ThrowsAsync<AmpConnectionClosingException>(() => pair.Client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken));

        // The server was never told: its new calls still go out, and are answered while the close waits.
        Assert.That((await pair.Server.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken)).Total, Is.EqualTo(new System.Numerics.BigInteger(5)));
        Assert.That(pair.Server.GoingAway.IsCancellationRequested, Is.False);

        pair.ServerHolds.Release(1);
        pair.ClientHolds.Release(2);
        Assert.That((await ours).Key, Is.EqualTo(1));
        Assert.That((await theirs).Key, Is.EqualTo(2));
        await closing;
        Assert.That((await pair.Server.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(pair.Server.GoingAway.IsCancellationRequested, Is.False, "a peer without the extension is never sent the notice");
    }

    [Test]
    public async Task AnOrdinaryGracefulCloseLogsItsStepsAtDebugOnly(CancellationToken cancellationToken)
    {
        var clientLog = new TestLoggerProvider();
        var serverLog = new TestLoggerProvider();
        var (a, b) = Amp.Transports.InMemoryTransport.CreatePair();
        await using AmpConnection client = AmpConnection.Start(a, new AmpConnectionOptions { Name = "client", LoggerFactory = clientLog.CreateFactory() });
        await using AmpConnection server = AmpConnection.Start(b, new AmpConnectionOptions { Name = "server", LoggerFactory = serverLog.CreateFactory() });

        await client.CloseAsync(cancellationToken);
        await server.Completion.WaitAsync(cancellationToken);
        Assert.That(server.GoingAway.IsCancellationRequested, Is.True, "GoingAway is cancelled before Completion completes");

        int[] clientIds = [.. clientLog.Entries.Select(e => e.EventId.Id).Where(id => id is >= 1610 and <= 1619)];
        int[] serverIds = [.. serverLog.Entries.Select(e => e.EventId.Id).Where(id => id is >= 1610 and <= 1619)];
        Assert.Multiple(() =>
        {
            // The peer's reply may be read before this side's "sent" is logged: only the ends are ordered.
            Assert.That(clientIds, Is.EquivalentTo(new[] { AmpEventId.GracefulCloseStarted, AmpEventId.GoAwaySent, AmpEventId.GoAwayReceived, AmpEventId.GracefulCloseDrained }));
            Assert.That(clientIds[0], Is.EqualTo(AmpEventId.GracefulCloseStarted));
            Assert.That(clientIds[^1], Is.EqualTo(AmpEventId.GracefulCloseDrained));
            Assert.That(serverIds, Is.EqualTo(new[] { AmpEventId.GoAwayReceived, AmpEventId.GoAwaySent }));
            Assert.That(clientLog.Entries.Concat(serverLog.Entries).Where(e => e.Level > Microsoft.Extensions.Logging.LogLevel.Debug), Is.Empty);
        });
    }
}
