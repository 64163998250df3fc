using System.Net;
using Amp.AspNetCore;
using Amp.Hosting;
using Amp.Tests.Hosting;
using Amp.Tests.Negotiation;
using Amp.Tests.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Amp.Tests.AspNetCore;

/// <summary>
/// A real ASP.NET Core application on Kestrel (127.0.0.1, a free port): an ordinary HTTP endpoint (<c>GET /hello</c>) and
/// AMP (<c>MapAmp</c>) with target <c>calc</c> answered by the hosting tests' responders from each connection's scope.
/// Its logs go to a <see cref="TestLoggerProvider"/> and to <see cref="LogSignals"/>.
/// </summary>
internal sealed class TestWebApp : IAsyncDisposable
{
    public const string HelloText = "hello over HTTP";

    private bool _stopped;

    private TestWebApp(WebApplication app, TestLoggerProvider log, LogSignals signals)
    {
        App = app;
        Log = log;
        Signals = signals;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
    }

    public WebApplication App { get; }

    public TestLoggerProvider Log { get; }

    public LogSignals Signals { get; }

    /// <summary>The port Kestrel bound.</summary>
    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>
    /// A builder as an application's (no configuration file, no console logs): Kestrel on 127.0.0.1 port 0 speaking
    /// <paramref name="protocols"/>, the test services, and <c>AddAmpWeb</c> with target <c>calc</c> unless <paramref name="web"/> says otherwise.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(TestLoggerProvider log, LogSignals signals, Action<AmpWebOptions>? web = null, HttpProtocols protocols = HttpProtocols.Http1AndHttp2)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        builder.Logging.ClearProviders().AddProvider(log).AddProvider(signals).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<ProbeLedger>().AddSingleton<HoldGate>().AddScoped<ScopedProbe>();
        builder.Services.AddAmpWeb(web ?? (options => options.AddTarget("calc", NegotiationSetup.TargetTls(NegotiationSetup.TargetA))))
            .AddResponder<ProbeResponder>().AddResponder<HoldResponder>();
        return builder;
    }

    /// <summary>Builds and starts the application with <c>GET /hello</c> and <c>MapAmp()</c>.</summary>
    public static async Task<TestWebApp> StartAsync(CancellationToken cancellationToken, Action<AmpWebOptions>? web = null, Action<WebApplicationBuilder>? configure = null,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2)
    {
        var log = new TestLoggerProvider();
        var signals = new LogSignals();
        WebApplicationBuilder builder = CreateBuilder(log, signals, web, protocols);
        configure?.Invoke(builder);
        WebApplication app = builder.Build();
        app.MapGet("/hello", () => HelloText);
        app.MapAmp();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestWebApp(app, log, signals);
    }

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Stops the web host as the application would (the AMP connections close gracefully, then Kestrel stops).</summary>
    public Task StopAsync()
    {
        _stopped = true;
        return App.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await App.StopAsync();
        }

        await App.DisposeAsync();
        Log.Dispose();
    }
}
