using Amp.Tests.TestUtilities;
using Microsoft.Extensions.Logging;

namespace Amp.Tests.Hosting;

/// <summary>The server and its connections log through the host's providers.</summary>
[CancelAfter(30_000)]
public sealed class HostingLoggingTests
{
    [Test]
    public async Task TheServerAndItsConnectionsLogThroughTheHostsProviders(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken);
        int port = host.Listener().Port!.Value;
        AmpConnection client = await host.ConnectAsync(cancellationToken);
        await client.CallRemoteAsync(new HostProbe(), cancellationToken);
        await client.CloseAsync();
        await host.Signals.Logged(AmpEventId.HostedConnectionEnded).WaitAsync(cancellationToken);
        await host.StopAsync().WaitAsync(cancellationToken);

        var entries = host.Log.Entries;
        LogEntry started = entries.Single(e => e.EventId.Id == AmpEventId.ListenerStarted);
        Assert.Multiple(() =>
        {
            Assert.That(started.Level, Is.EqualTo(LogLevel.Information));
            Assert.That(started.Message, Does.Contain("main").And.Contain($"tcp://127.0.0.1:{port}"));
            Assert.That(entries.Where(e => e.EventId.Id is >= 1800 and <= 1899).Select(e => e.Category), Is.All.EqualTo("Amp.Hosting"));
            Assert.That(entries.Select(e => e.EventId.Id), Does.Contain(AmpEventId.ConnectionAccepted).And.Contain(AmpEventId.ServerStopping)
                .And.Contain(AmpEventId.ListenerStopped).And.Contain(AmpEventId.ServerStopped));
            Assert.That(entries.Single(e => e.EventId.Id == AmpEventId.HostedConnectionEnded).Message, Does.Contain("RemoteClosed"));

            // The connection's own events (Amp.Core) reach the host's provider: its LoggerFactory is the host's.
            Assert.That(entries.Count(e => e.EventId.Id == AmpEventId.ConnectionStarted && e.Category == "Amp.Connection"), Is.EqualTo(1));
            Assert.That(entries.Count(e => e.EventId.Id == AmpEventId.BoxReceived && e.Category == "Amp.Wire"), Is.GreaterThanOrEqualTo(1));
            Assert.That(entries.Where(e => e.Level > LogLevel.Information), Is.Empty, "an ordinary run logs nothing above Information");
        });
    }
}
