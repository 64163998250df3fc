using Amp.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Amp.Hosting;

/// <summary>
/// The hosted service: binds every listener and creates every entry point when the host starts (a listener that cannot
/// bind fails the start). When the host begins to stop (<see cref="StoppingAsync"/>, before any hosted service's
/// <c>StopAsync</c>, so before a web server that carries AMP connections waits for them), it stops accepting, then
/// closes every connection gracefully with the host's shutdown token.
/// </summary>
internal sealed class AmpServer : IHostedLifecycleService, IAmpServer, IAsyncDisposable
{
    private readonly IOptions<AmpServerOptions> _options;
    private readonly EntryPointDeclarations _declarations;
    private readonly ServerServices _server;
    private readonly Lock _gate = new();
    private HostedListener[] _listeners = [];
    private AmpListenerInfo[] _infos = [];
    private AmpEntryPoint[] _entryPoints = [];
    private Task? _stopping;

    public AmpServer(IOptions<AmpServerOptions> options, EntryPointDeclarations declarations, IServiceProvider services, IServiceScopeFactory scopes,
        ConnectionRegistry registry, ResponderSetups setups, ILoggerFactory loggerFactory)
    {
        _options = options;
        _declarations = declarations;
        _server = new ServerServices(services, scopes, registry, setups, loggerFactory, loggerFactory.CreateLogger(Log.Category));
    }

    public IReadOnlyList<AmpListenerInfo> Listeners => Volatile.Read(ref _infos);

    public IReadOnlyList<AmpEntryPoint> EntryPoints => Volatile.Read(ref _entryPoints);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        AmpServerOptions options = _options.Value;
        var listeners = new List<HostedListener>(options.Listeners.Count);
        try
        {
            for (int i = 0; i < options.Listeners.Count; i++)
            {
                listeners.Add(await HostedListener.BindAsync(options.Listeners[i], $"{_server.Setups.ConfigurationSection}:Listeners:{i}", _server).ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (HostedListener listener in listeners)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        AmpEntryPoint[] entryPoints = [.. _declarations.Snapshot().Select(CreateEntryPoint)];
        foreach (HostedListener listener in listeners)
        {
            listener.StartAccepting();
        }

        _listeners = [.. listeners];
        Volatile.Write(ref _infos, [.. listeners.Select(l => l.Info)]);
        Volatile.Write(ref _entryPoints, entryPoints);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Stops accepting on every listener, then closes every connection gracefully (new calls refused both ways
    /// with goaway/1, calls in flight answered); <paramref name="cancellationToken"/>, the host's shutdown
    /// timeout, cuts what is still closing.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => StopOnceAsync(cancellationToken);

    /// <summary>
    /// The same stop, for a host that did not call <see cref="StoppingAsync"/> (done once either way). Until it returns,
    /// a connection an entry point adopts late (a web server still finishing a negotiation) closes gracefully with the
    /// shutdown token; after, at once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopOnceAsync(cancellationToken).ConfigureAwait(false);
        _server.Registry.Stopped();
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Disposed without a stop (the host was disposed unstarted or its stop failed): close everything at once.</summary>
    public async ValueTask DisposeAsync()
    {
        HostedListener[] listeners = Interlocked.Exchange(ref _listeners, []);
        foreach (HostedListener listener in listeners)
        {
            await listener.StopAcceptingAsync().ConfigureAwait(false);
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _server.Registry.Stopped();
        foreach (HostedConnection connection in _server.Registry.Snapshot())
        {
            await connection.Context.Connection.CloseAsync().ConfigureAwait(false);
        }

        Volatile.Write(ref _infos, []);
        Volatile.Write(ref _entryPoints, []);
    }

    private AmpEntryPoint CreateEntryPoint((string Name, AmpListenerConnectionOptions? Connection) declared)
    {
        var hosting = new ConnectionHosting(declared.Name, _server);
        return new AmpEntryPoint(hosting, ConnectionOptionsFactory.Create(declared.Connection, hosting.CreateResponders(), _server.LoggerFactory));
    }

    private Task StopOnceAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync(cancellationToken);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        HostedListener[] listeners = Interlocked.Exchange(ref _listeners, []);
        Log.Hosting.ServerStopping(_server.Logger, listeners.Length, _server.Registry.Count);
        await Task.WhenAll(listeners.Select(l => l.StopAcceptingAsync())).ConfigureAwait(false);

        // From here on, a connection an entry point adopts closes at once with the same token.
        IReadOnlyList<HostedConnection> connections = _server.Registry.BeginStopping(cancellationToken);

        // A close that ends once the timeout has fired was cut by it (counting the connections still open when
        // the token fires races the closes' own callbacks on that token, which may end them first).
        bool[] cutShort = await Task.WhenAll(connections.Select(c => CloseAsync(c.Context.Connection, cancellationToken))).ConfigureAwait(false);
        int cut = cutShort.Count(wasCut => wasCut);
        if (cut > 0)
        {
            Log.Hosting.ShutdownTimedOut(_server.Logger, cut);
        }

        // The scopes are disposed as each connection ends; a scoped service slow to dispose is waited for
        // only as long as the host lets us.
        try
        {
            await Task.WhenAll(connections.Select(c => c.Ended)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        foreach (HostedListener listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        Volatile.Write(ref _infos, []);
        Volatile.Write(ref _entryPoints, []);
        Log.Hosting.ServerStopped(_server.Logger, connections.Count);
    }

    private static async Task<bool> CloseAsync(AmpConnection connection, CancellationToken timeout)
    {
        await connection.CloseAsync(timeout).ConfigureAwait(false);
        return timeout.IsCancellationRequested;
    }
}
