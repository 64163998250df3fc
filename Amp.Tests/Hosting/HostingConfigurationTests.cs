using Amp.Hosting;
using Amp.Tests.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Amp.Tests.Hosting;

/// <summary>Listeners and their settings from configuration (in memory and a JSON file) and from code.</summary>
[CancelAfter(30_000)]
public sealed class HostingConfigurationTests
{
    [Test]
    public async Task ListenersFromInMemoryConfigurationServeTcpAndUnixSockets(CancellationToken cancellationToken)
    {
        string socketPath = Path.Combine(Path.GetTempPath(), $"amp-hosting-{Guid.NewGuid():N}.sock");
        var configuration = new Dictionary<string, string?>
        {
            ["Amp:Listeners:0:Name"] = "public",
            ["Amp:Listeners:0:Endpoint"] = "tcp://127.0.0.1:0",
            ["Amp:Listeners:0:MaxConnections"] = "10",
            ["Amp:Listeners:1:Name"] = "local",
            ["Amp:Listeners:1:Endpoint"] = $"unix:{socketPath}",
        };
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken, configuration);

        IReadOnlyList<AmpListenerInfo> listeners = host.Get<IAmpServer>().Listeners;
        Assert.That(listeners.Select(l => l.Name), Is.EqualTo(new[] { "public", "local" }));
        Assert.That(listeners[0].Port, Is.GreaterThan(0), "port 0 shows as the port bound");
        Assert.That(listeners[1].UnixSocketPath, Is.EqualTo(socketPath));

        AmpConnection overTcp = await host.ConnectAsync(cancellationToken, "public");
        AmpConnection overUnix = await host.ConnectAsync(cancellationToken, "local");
        Assert.That((await overTcp.CallRemoteAsync(new HostProbe(), cancellationToken)).Listener, Is.EqualTo("public"));
        Assert.That((await overUnix.CallRemoteAsync(new HostProbe(), cancellationToken)).Listener, Is.EqualTo("local"));
        Assert.That(listeners[0].ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task ListenersFromAJsonFileComeFirstThenThoseAddedInCode(CancellationToken cancellationToken)
    {
        string directory = Directory.CreateTempSubdirectory("amp-hosting-").FullName;
        try
        {
            string json = Path.Combine(directory, "appsettings.json");
            await File.WriteAllTextAsync(json, """
                {
                  "Amp": {
                    "Listeners": [
                      { "Name": "chat", "Endpoint": "tcp://127.0.0.1:0", "Connection": { "IdleTimeout": "00:10:00", "Extensions": "Streams, GoAway" } }
                    ]
                  }
                }
                """, cancellationToken);
            var log = new TestLoggerProvider();
            HostApplicationBuilder builder = TestAmpHost.CreateBuilder(new Dictionary<string, string?>(), log);
            builder.Configuration.AddJsonFile(json);
            builder.Services.AddAmpServer(options => options.Listeners.Add(new AmpListenerOptions { Name = "admin", Endpoint = "tcp://localhost:0" }));
            using IHost host = builder.Build();
            await host.StartAsync(cancellationToken);
            try
            {
                AmpServerOptions options = host.Services.GetRequiredService<IOptions<AmpServerOptions>>().Value;
                Assert.That(options.Listeners.Select(l => l.Name), Is.EqualTo(new[] { "chat", "admin" }));
                Assert.That(options.Listeners[0].Connection!.IdleTimeout, Is.EqualTo(TimeSpan.FromMinutes(10)));
                Assert.That(options.Listeners[0].Connection!.Extensions, Is.EqualTo(AmpExtensions.Streams | AmpExtensions.GoAway));
                Assert.That(host.Services.GetRequiredService<IAmpServer>().Listeners.Select(l => l.Name), Is.EqualTo(new[] { "chat", "admin" }));

                foreach (AmpListenerInfo listener in host.Services.GetRequiredService<IAmpServer>().Listeners)
                {
                    await using AmpConnection client = AmpConnection.Start(await Amp.Transports.SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port!.Value, cancellationToken: cancellationToken));
                    Assert.That((await client.CallRemoteAsync(new HostProbe(), cancellationToken)).Listener, Is.EqualTo(listener.Name));
                }
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task ConnectionSettingsFromConfigurationApplyToTheListenersConnections(CancellationToken cancellationToken)
    {
        Dictionary<string, string?> configuration = TestAmpHost.OneListener();
        configuration["Amp:Listeners:0:Connection:MaxBoxBytes"] = "200";
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken, configuration);
        AmpConnection client = await host.ConnectAsync(cancellationToken);

        await client.CallRemoteAsync(new Remember { Value = "short" }, cancellationToken);
        var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => client.CallRemoteAsync(new Remember { Value = new string('x', 300) }, cancellationToken))!;
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed), "a box over the listener's MaxBoxBytes ends the connection");
    }

    [Test]
    public async Task MaxConnectionsFromConfigurationRefusesConnectionsPastIt(CancellationToken cancellationToken)
    {
        Dictionary<string, string?> configuration = TestAmpHost.OneListener();
        configuration["Amp:Listeners:0:MaxConnections"] = "1";
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken, configuration);
        AmpConnection first = await host.ConnectAsync(cancellationToken);
        await first.CallRemoteAsync(new HostProbe(), cancellationToken);

        AmpConnection second = await host.ConnectAsync(cancellationToken);
        AmpConnectionLostException refused = await second.Completion.WaitAsync(cancellationToken);
        Assert.That(refused.Reason, Is.Not.EqualTo(AmpDisconnectReason.LocallyClosed), "the listener closed the connection past its limit");
        Assert.That(host.Log.Entries.Count(e => e.EventId.Id == AmpEventId.ConnectionRejected), Is.EqualTo(1));
        Assert.That((await first.CallRemoteAsync(new HostProbe(), cancellationToken)).Listener, Is.EqualTo("main"));
    }
}
