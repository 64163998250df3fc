using Amp.Negotiation;
using Amp.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.AspNetCore;

/// <summary>
/// When the web host stops, its AMP connections close gracefully before Kestrel stops: Kestrel would otherwise wait for
/// the upgraded requests until the shutdown timeout (it does not end them itself), then abort them.
/// </summary>
[CancelAfter(60_000)]
public sealed class AmpOnKestrelShutdownTests
{
    private static Task Signalled(CancellationToken token)
    {
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => signalled.TrySetResult());
        return signalled.Task;
    }

    [Test]
    public async Task AGoAwayPeerIsToldItsCallInFlightFinishesAndTheHostStopsWithoutWaitingForItsTimeout(CancellationToken cancellationToken)
    {
        // A shutdown timeout far longer than the fixture's: were the AMP connections left to Kestrel, the stop would hang past it.
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken,
            configure: builder => builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10)));
        AmpNegotiationResult negotiated = await Node("client").ConnectAsync(new NegotiationAddress("127.0.0.1", web.Port, "calc"), ClientTls(), cancellationToken);
        AmpConnection client = negotiated.Connection;
        HoldGate gate = web.Get<HoldGate>();
        Task<HostHoldResult> inFlight = client.CallRemoteAsync(new HostHold { Key = 5 }, cancellationToken);
        await gate.Entered(5).WaitAsync(cancellationToken);

        Task stopping = web.StopAsync();
        await Signalled(client.GoingAway).WaitAsync(cancellationToken);
        var refused = Assert.ThrowsAsync<AmpConnectionClosingException>(() => client.CallRemoteAsync(new HostProbe(), cancellationToken))!;
        Assert.That(refused.ByPeer, Is.True, "the server told the client it is going away (goaway/1)");
        Assert.That(stopping.IsCompleted, Is.False, "the call in flight holds the stop");

        gate.Release(5);
        Assert.That((await inFlight).Key, Is.EqualTo(5));
        await stopping.WaitAsync(cancellationToken);
        Assert.That((await client.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));

        int[] events = [.. web.Log.Entries.Select(e => e.EventId.Id)];
        Assert.That(events, Does.Contain(AmpEventId.GoAwaySent).And.Contain(AmpEventId.WebConnectionEnded).And.Not.Contain(AmpEventId.ShutdownTimedOut));
    }

    [Test]
    public async Task APeerWithoutGoAwayIsNotToldButItsCallInFlightFinishesAndItsConnectionCloses(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        var node = Node("twisted-like", connection: new AmpConnectionOptions { Extensions = AmpExtensions.None });
        AmpNegotiationResult negotiated = await node.ConnectAsync(new NegotiationAddress("127.0.0.1", web.Port, "calc"), ClientTls(), cancellationToken);
        Assert.That(negotiated.Decision.Extensions, Is.EqualTo(AmpExtensions.None));
        HoldGate gate = web.Get<HoldGate>();
        Task<HostHoldResult> inFlight = negotiated.Connection.CallRemoteAsync(new HostHold { Key = 6 }, cancellationToken);
        await gate.Entered(6).WaitAsync(cancellationToken);

        Task stopping = web.StopAsync();
        await web.Signals.Logged(AmpEventId.GoAwayNotAgreed).WaitAsync(cancellationToken);
        gate.Release(6);
        Assert.That((await inFlight).Key, Is.EqualTo(6));
        await stopping.WaitAsync(cancellationToken);
        Assert.That((await negotiated.Connection.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }
}
