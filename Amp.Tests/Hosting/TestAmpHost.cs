using Amp.Hosting;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Amp.Tests.Hosting;

/// <summary>
/// A real Generic Host (<see cref="Host.CreateApplicationBuilder()"/>) running the AMP server with the test
/// responders, its configuration in memory, its logs in a <see cref="TestLoggerProvider"/>; and clients for it.
/// </summary>
internal sealed class TestAmpHost : IAsyncDisposable
{
    private readonly List<AmpConnection> _clients = [];
    private bool _stopped;

    private TestAmpHost(IHost host, TestLoggerProvider log, LogSignals signals)
    {
        Host = host;
        Log = log;
        Signals = signals;
    }

    public IHost Host { get; }

    public TestLoggerProvider Log { get; }

    /// <summary>Completes a task per event id as it is logged.</summary>
    public LogSignals Signals { get; }

    /// <summary>One TCP listener named "main" on a free loopback port.</summary>
    public static Dictionary<string, string?> OneListener() => new() { ["Amp:Listeners:0:Name"] = "main", ["Amp:Listeners:0:Endpoint"] = "tcp://127.0.0.1:0" };

    /// <summary>A host builder like an application's, with the test services and responders and the given configuration.</summary>
    public static HostApplicationBuilder CreateBuilder(IDictionary<string, string?>? configuration, TestLoggerProvider log)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration ?? OneListener());
        builder.Logging.AddProvider(log).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton<ProbeLedger>().AddSingleton<HoldGate>().AddScoped<ScopedProbe>();
        builder.Services.AddAmpServer().AddResponder<ProbeResponder>().AddResponder<HoldResponder>();
        return builder;
    }

    public static async Task<TestAmpHost> StartAsync(CancellationToken cancellationToken, IDictionary<string, string?>? configuration = null, Action<HostApplicationBuilder>? configure = null)
    {
        var log = new TestLoggerProvider();
        var signals = new LogSignals();
        HostApplicationBuilder builder = CreateBuilder(configuration, log);
        builder.Logging.AddProvider(signals);
        configure?.Invoke(builder);
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestAmpHost(host, log, signals);
    }

    public T Get<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    public AmpListenerInfo Listener(string name = "main") => Get<IAmpServer>().Listeners.Single(l => l.Name == name);

    /// <summary>Connects a client to a listener (TCP or Unix socket); it is disposed with the host.</summary>
    public async Task<AmpConnection> ConnectAsync(CancellationToken cancellationToken, string listener = "main", AmpConnectionOptions? options = null)
    {
        AmpListenerInfo info = Listener(listener);
        AmpTransport transport = info.Port is int port
            ? await SocketTransport.ConnectTcpAsync("127.0.0.1", port, cancellationToken: cancellationToken)
            : await SocketTransport.ConnectUnixAsync(info.UnixSocketPath!, cancellationToken: cancellationToken);
        AmpConnection client = AmpConnection.Start(transport, options);
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Stops the host as the application would (graceful close of every connection within the shutdown timeout).</summary>
    public Task StopAsync()
    {
        _stopped = true;
        return Host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        AmpConnection[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        foreach (AmpConnection client in clients)
        {
            await client.DisposeAsync();
        }

        if (!_stopped)
        {
            await Host.StopAsync();
        }

        Host.Dispose();
        Log.Dispose();
    }
}
