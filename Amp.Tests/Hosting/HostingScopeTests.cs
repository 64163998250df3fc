using Amp.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Amp.Tests.Hosting;

/// <summary>One dependency-injection scope per connection, per-connection state, and the live connections for calling clients back.</summary>
[CancelAfter(30_000)]
public sealed class HostingScopeTests
{
    [Test]
    public async Task AScopedServiceIsSharedInsideOneConnectionDifferentAcrossTwoAndDisposedWhenItsConnectionEnds(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken);
        AmpConnection a = await host.ConnectAsync(cancellationToken);
        AmpConnection b = await host.ConnectAsync(cancellationToken);

        string a1 = (await a.CallRemoteAsync(new HostProbe(), cancellationToken)).Scope;
        string a2 = (await a.CallRemoteAsync(new HostProbe(), cancellationToken)).Scope;
        string b1 = (await b.CallRemoteAsync(new HostProbe(), cancellationToken)).Scope;
        Assert.That(a2, Is.EqualTo(a1), "the calls of one connection share its scope");
        Assert.That(b1, Is.Not.EqualTo(a1), "another connection has a scope of its own");

        ProbeLedger ledger = host.Get<ProbeLedger>();
        Assert.That(ledger.IsDisposed(a1) || ledger.IsDisposed(b1), Is.False);
        await a.CloseAsync();
        await ledger.WhenDisposed(a1).WaitAsync(cancellationToken);
        Assert.That(ledger.IsDisposed(b1), Is.False, "the other connection's scope lives on");
        Assert.That((await b.CallRemoteAsync(new HostProbe(), cancellationToken)).Scope, Is.EqualTo(b1));
    }

    [Test]
    public async Task PerConnectionStateLastsAcrossCallsAndIsTheConnectionsOwn(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken);
        AmpConnection a = await host.ConnectAsync(cancellationToken);
        AmpConnection b = await host.ConnectAsync(cancellationToken);

        await a.CallRemoteAsync(new Remember { Value = "alpha" }, cancellationToken);
        Assert.That((await b.CallRemoteAsync(new Recall(), cancellationToken)).Value, Is.Empty);
        await b.CallRemoteAsync(new Remember { Value = "beta" }, cancellationToken);
        Assert.That((await a.CallRemoteAsync(new Recall(), cancellationToken)).Value, Is.EqualTo("alpha"));
        Assert.That((await b.CallRemoteAsync(new Recall(), cancellationToken)).Value, Is.EqualTo("beta"));

        // The same state, seen from outside the connection through IAmpConnections.
        string[] remembered = [.. host.Get<IAmpConnections>().Select(c => c.Items.Get<Memory>()?.Value ?? "").Order()];
        Assert.That(remembered, Is.EqualTo(new[] { "alpha", "beta" }));
    }

    [Test]
    public async Task TheServerCallsEveryLiveClientBackThroughIAmpConnections(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken);
        var names = new[] { "alice", "bob" };
        foreach (string name in names)
        {
            AmpConnection client = await host.ConnectAsync(cancellationToken, options: new AmpConnectionOptions
            {
                Responders = new AmpResponders().Add((WhoAreYou _) => new WhoAreYouResult { Name = name }),
            });

            // Once a call is answered, its connection is listed (it is listed before its first command is answered).
            await client.CallRemoteAsync(new HostProbe(), cancellationToken);
        }

        IAmpConnections connections = host.Get<IAmpConnections>();
        Assert.That(connections, Has.Count.EqualTo(2));
        Assert.That(connections.Select(c => c.ListenerName), Is.All.EqualTo("main"));
        WhoAreYouResult[] answers = await Task.WhenAll(connections.Select(c => c.Connection.CallRemoteAsync(new WhoAreYou(), cancellationToken)));
        Assert.That(answers.Select(a => a.Name), Is.EquivalentTo(names));

        // Each context's Services is its connection's scope.
        string[] scopes = [.. connections.Select(c => c.Services.GetRequiredService<ScopedProbe>().Id)];
        Assert.That(scopes, Is.Unique);
    }

    [Test]
    public async Task AClosedConnectionLeavesIAmpConnections(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken);
        AmpConnection a = await host.ConnectAsync(cancellationToken);
        string scope = (await a.CallRemoteAsync(new HostProbe(), cancellationToken)).Scope;
        Assert.That(host.Get<IAmpConnections>(), Has.Count.EqualTo(1));

        await a.CloseAsync();
        await host.Get<ProbeLedger>().WhenDisposed(scope).WaitAsync(cancellationToken);
        Assert.That(host.Get<IAmpConnections>(), Is.Empty, "a connection leaves the list before its scope is disposed");
    }

    [Test]
    public async Task AmpConnectionContextOutsideAConnectionsScopeIsRefusedClearly(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken);
        await using AsyncServiceScope scope = host.Host.Services.CreateAsyncScope();
        var e = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<AmpConnectionContext>())!;
        Assert.That(e.Message, Does.Contain("exists only in the service scope of a connection accepted by an AMP listener"));
    }

    [Test]
    public async Task ResponderLambdasAddedWithConfigureRespondersAnswerToo(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken, configure: builder =>
            builder.Services.AddAmpServer().ConfigureResponders((services, responders) =>
                responders.Add((WhoAreYou _) => new WhoAreYouResult { Name = services.GetRequiredService<ProbeLedger>().GetType().Name })));
        AmpConnection client = await host.ConnectAsync(cancellationToken);
        Assert.That((await client.CallRemoteAsync(new WhoAreYou(), cancellationToken)).Name, Is.EqualTo(nameof(ProbeLedger)));
    }
}
