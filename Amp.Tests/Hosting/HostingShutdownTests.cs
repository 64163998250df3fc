using System.Net.Sockets;
using Amp.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Amp.Tests.Hosting;

/// <summary>When the host stops: listeners stop accepting, then every connection closes gracefully within the shutdown timeout.</summary>
[CancelAfter(60_000)]
public sealed class HostingShutdownTests
{
    private static Task Signalled(CancellationToken token)
    {
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => signalled.TrySetResult());
        return signalled.Task;
    }

    [Test]
    public async Task ACallInFlightFinishesWhenTheHostStopsWhileTheClientIsToldAndNewCallsAndConnectionsAreRefused(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken);
        int port = host.Listener().Port!.Value;
        AmpConnection client = await host.ConnectAsync(cancellationToken);
        string scope = (await client.CallRemoteAsync(new HostProbe(), cancellationToken)).Scope;
        HoldGate gate = host.Get<HoldGate>();
        Task<HostHoldResult> inFlight = client.CallRemoteAsync(new HostHold { Key = 1 }, cancellationToken);
        await gate.Entered(1).WaitAsync(cancellationToken);

        Task stopping = host.StopAsync();
        await Signalled(client.GoingAway).WaitAsync(cancellationToken);

        var refused = Assert.ThrowsAsync<AmpConnectionClosingException>(() => client.CallRemoteAsync(new HostProbe(), cancellationToken))!;
        Assert.That(refused.ByPeer, Is.True, "the server told the client it is going away (goaway/1)");
        Assert.ThrowsAsync<SocketException>(async () => await SocketTransport.ConnectTcpAsync("127.0.0.1", port, cancellationToken: cancellationToken),
            "the listener stopped accepting before the connections were closed");
        Assert.That(inFlight.IsCompleted || stopping.IsCompleted, Is.False, "the call in flight holds the stop");

        gate.Release(1);
        Assert.That((await inFlight).Key, Is.EqualTo(1));
        await stopping.WaitAsync(cancellationToken);
        Assert.That((await client.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(host.Get<ProbeLedger>().IsDisposed(scope), Is.True, "the connection's scope is disposed before the stop completes");

        int[] events = [.. host.Log.Entries.Where(e => e.Category == "Amp.Hosting").Select(e => e.EventId.Id)];
        Assert.That(events, Does.Contain(AmpEventId.ServerStopping).And.Contain(AmpEventId.ServerStopped).And.Not.Contain(AmpEventId.ShutdownTimedOut));
        Assert.That(host.Log.Entries.Count(e => e.EventId.Id == AmpEventId.GoAwaySent), Is.EqualTo(1), "the server's connection logged its notice");
    }

    [Test]
    public async Task APeerWithoutGoAwayIsNotToldButItsCallInFlightStillFinishes(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken);
        AmpConnection twistedLike = await host.ConnectAsync(cancellationToken, options: new AmpConnectionOptions { Extensions = AmpExtensions.None });
        HoldGate gate = host.Get<HoldGate>();
        Task<HostHoldResult> inFlight = twistedLike.CallRemoteAsync(new HostHold { Key = 7 }, cancellationToken);
        await gate.Entered(7).WaitAsync(cancellationToken);

        Task stopping = host.StopAsync();
        await host.Signals.Logged(AmpEventId.GoAwayNotAgreed).WaitAsync(cancellationToken);
        Assert.That(twistedLike.GoingAway.IsCancellationRequested, Is.False, "a peer that did not agree to goaway/1 is told nothing");

        gate.Release(7);
        Assert.That((await inFlight).Key, Is.EqualTo(7));
        await stopping.WaitAsync(cancellationToken);
        Assert.That((await twistedLike.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }

    [Test]
    public async Task TheShutdownTimeoutCutsCallsThatDoNotFinishAndSaysSo(CancellationToken cancellationToken)
    {
        // The hold is never released, so the shutdown timeout always passes first, however short or long.
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken,
            configure: builder => builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200)));
        AmpConnection client = await host.ConnectAsync(cancellationToken);
        Task<HostHoldResult> stuck = client.CallRemoteAsync(new HostHold { Key = 2 }, cancellationToken);
        await host.Get<HoldGate>().Entered(2).WaitAsync(cancellationToken);

        await host.StopAsync().WaitAsync(cancellationToken);
        var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => stuck)!;
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));

        var timedOut = host.Log.Entries.Single(e => e.EventId.Id == AmpEventId.ShutdownTimedOut);
        Assert.That(timedOut.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(timedOut.Message, Does.Contain("connections still closing (1)"));
    }
}
