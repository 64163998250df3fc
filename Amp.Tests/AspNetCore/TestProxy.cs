using System.Net;
using Amp.Tests.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace Amp.Tests.AspNetCore;

/// <summary>
/// A second Kestrel application on 127.0.0.1 running YARP, forwarding every path to another application: with the AMP
/// upgrade forwarding of <see cref="AmpUpgradeForwarding"/>, or as YARP is out of the box.
/// </summary>
internal sealed class TestProxy : IAsyncDisposable
{
    private TestProxy(WebApplication app, TestLoggerProvider log)
    {
        App = app;
        Log = log;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
    }

    public WebApplication App { get; }

    public TestLoggerProvider Log { get; }

    public int Port { get; }

    public static async Task<TestProxy> StartAsync(int destinationPort, bool forwardAmpUpgrades, CancellationToken cancellationToken)
    {
        var log = new TestLoggerProvider();
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders().AddProvider(log).SetMinimumLevel(LogLevel.Debug);
        RouteConfig[] routes = [new() { RouteId = "everything", ClusterId = "app", Match = new RouteMatch { Path = "{**path}" } }];
        ClusterConfig[] clusters =
        [
            new()
            {
                ClusterId = "app",
                Destinations = new Dictionary<string, DestinationConfig> { ["app"] = new() { Address = $"http://127.0.0.1:{destinationPort}/" } },
            },
        ];
        IReverseProxyBuilder proxy = builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        if (forwardAmpUpgrades)
        {
            proxy.AddTransforms(AmpUpgradeForwarding.AddTransforms);
        }

        WebApplication app = builder.Build();
        app.MapReverseProxy(pipeline =>
        {
            if (forwardAmpUpgrades)
            {
                pipeline.UseAmpUpgradeForwarding();
            }

            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestProxy(app, log);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Log.Dispose();
    }
}
