using Amp.Hosting;
using Amp.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Amp.Tests.Hosting;

/// <summary>
/// Entry points: connections accepted elsewhere (here, one end of an in-memory pair) handed to the AMP server, which
/// serves them as its listeners' connections (responders from their scope, listed, closed gracefully when the host stops).
/// </summary>
[CancelAfter(30_000)]
public sealed class HostingEntryPointTests
{
    private static Task<TestAmpHost> StartWithEntryPointAsync(CancellationToken cancellationToken, IDictionary<string, string?>? configuration = null,
        Action<HostApplicationBuilder>? configure = null) =>
        TestAmpHost.StartAsync(cancellationToken, configuration, builder =>
        {
            builder.Services.AddAmpServer().AddEntryPoint("side-door");
            configure?.Invoke(builder);
        });

    /// <summary>Accepts one in-memory connection through the entry point; returns the client's end.</summary>
    private static AmpConnection AcceptThroughEntryPoint(AmpEntryPoint entryPoint, out AmpConnectionContext context, AmpConnectionOptions? client = null)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        AmpConnection served = AmpConnection.Start(acceptor, entryPoint.ConnectionOptions);
        context = entryPoint.Adopt(served);
        return AmpConnection.Start(initiator, client);
    }

    [Test]
    public async Task AnAdoptedConnectionIsAnsweredFromItsOwnScopeAndListedUnderTheEntryPointsName(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await StartWithEntryPointAsync(cancellationToken);
        AmpEntryPoint entryPoint = host.Get<IAmpServer>().EntryPoints.Single();
        Assert.That(entryPoint.Name, Is.EqualTo("side-door"));

        await using AmpConnection client = AcceptThroughEntryPoint(entryPoint, out AmpConnectionContext context);
        HostProbeResult probe = await client.CallRemoteAsync(new HostProbe(), cancellationToken);
        Assert.That(probe.Listener, Is.EqualTo("side-door"));
        Assert.That(context.ListenerName, Is.EqualTo("side-door"));
        Assert.That(host.Get<IAmpConnections>().Select(c => c.Connection), Does.Contain(context.Connection));
        Assert.That(entryPoint.Adopt(context.Connection), Is.SameAs(context), "adopting again changes nothing");

        await client.CloseAsync();
        await host.Get<ProbeLedger>().WhenDisposed(probe.Scope).WaitAsync(cancellationToken);
    }

    [Test]
    public async Task AServerWithAnEntryPointAndNoListenerStarts(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await StartWithEntryPointAsync(cancellationToken, new Dictionary<string, string?>());
        Assert.That(host.Get<IAmpServer>().Listeners, Is.Empty);
        Assert.That(host.Get<IAmpServer>().EntryPoints.Select(e => e.Name), Is.EqualTo(new[] { "side-door" }));
    }

    [Test]
    public void AListenerNamedAsAnEntryPointFailsTheStartNamingTheSetting()
    {
        var configuration = new Dictionary<string, string?> { ["Amp:Listeners:0:Name"] = "Side-Door", ["Amp:Listeners:0:Endpoint"] = "tcp://127.0.0.1:0" };
        var failure = Assert.ThrowsAsync<OptionsValidationException>(() => StartWithEntryPointAsync(CancellationToken.None, configuration))!;
        Assert.That(failure.Message, Does.Contain("Amp:Listeners:0:Name: 'Side-Door' is already the name of an entry point"));
    }

    [Test]
    public void AnEntryPointDeclaredTwiceOrWithASettingOutOfRangeIsRefusedAtOnce()
    {
        AmpServerBuilder builder = new ServiceCollection().AddAmpServer().AddEntryPoint("web");
        Assert.That(() => builder.AddEntryPoint("WEB"), Throws.ArgumentException.With.Message.Contains("'WEB'"));
        Assert.That(() => builder.AddEntryPoint("other", new AmpListenerConnectionOptions { MaxConcurrentIncomingCalls = 0 }),
            Throws.ArgumentException.With.Message.Contains("Connection:MaxConcurrentIncomingCalls"));
    }

    [Test]
    public async Task WhenTheHostStopsAnAdoptedConnectionIsToldItsCallInFlightFinishesAndItClosesBeforeLaterServicesStop(CancellationToken cancellationToken)
    {
        // A hosted service registered after the AMP server stops before it (hosts stop in reverse order), as Kestrel does;
        // the AMP connections must be closed by then, or a web server would wait for them until its timeout.
        var later = new StopWitness();
        await using TestAmpHost host = await StartWithEntryPointAsync(cancellationToken, configure: builder => builder.Services.AddHostedService(_ => later));
        AmpConnection client = AcceptThroughEntryPoint(host.Get<IAmpServer>().EntryPoints[0], out AmpConnectionContext context);
        later.Watch(context.Connection);
        HoldGate gate = host.Get<HoldGate>();
        Task<HostHoldResult> inFlight = client.CallRemoteAsync(new HostHold { Key = 3 }, cancellationToken);
        await gate.Entered(3).WaitAsync(cancellationToken);

        Task stopping = host.StopAsync();
        var goingAway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.GoingAway.Register(() => goingAway.TrySetResult());
        await goingAway.Task.WaitAsync(cancellationToken);
        Assert.That(later.Stopped.IsCompleted, Is.False, "the later service is not stopped while the AMP connection closes");

        gate.Release(3);
        Assert.That((await inFlight).Key, Is.EqualTo(3));
        await stopping.WaitAsync(cancellationToken);
        Assert.That(await later.Stopped, Is.True, "the AMP connection had ended when the later service stopped");
        Assert.That((await client.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(host.Log.Entries.Select(e => e.EventId.Id), Does.Not.Contain(AmpEventId.ShutdownTimedOut));
        await client.DisposeAsync();
    }

    [Test]
    public async Task AConnectionAdoptedAfterTheStopIsClosedAtOnce(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await StartWithEntryPointAsync(cancellationToken);
        AmpEntryPoint entryPoint = host.Get<IAmpServer>().EntryPoints[0];
        await host.StopAsync().WaitAsync(cancellationToken);
        Assert.That(host.Get<IAmpServer>().EntryPoints, Is.Empty);

        await using AmpConnection client = AcceptThroughEntryPoint(entryPoint, out AmpConnectionContext context);
        Assert.That((await context.Connection.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
        Assert.That((await client.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }

    /// <summary>A hosted service that records, when it is stopped, whether the connection it watches had ended by then.</summary>
    private sealed class StopWitness : IHostedService
    {
        private readonly TaskCompletionSource<bool> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private AmpConnection? _watched;

        public Task<bool> Stopped => _stopped.Task;

        public void Watch(AmpConnection connection) => _watched = connection;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _stopped.TrySetResult(_watched?.Completion.IsCompleted ?? false);
            return Task.CompletedTask;
        }
    }
}
