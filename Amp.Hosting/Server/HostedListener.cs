using System.Net.Sockets;
using Amp.Hosting.Logging;
using Amp.Tls;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Hosting;

/// <summary>
/// One listener of the AMP server: its socket, its responder table and connection settings, and the loop that
/// accepts connections and starts AMP on each, with a service scope per connection.
/// </summary>
internal sealed class HostedListener : IAsyncDisposable
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly string _name;
    private readonly SocketListener _socket;
    private readonly ListenerTls? _tls;
    private readonly AmpConnectionOptions _connectionOptions;
    private readonly ServerServices _server;
    private readonly ConnectionHosting _hosting;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    private HostedListener(string name, SocketListener socket, ListenerTls? tls, Func<HostedListener, AmpConnectionOptions> connectionOptions, ServerServices server)
    {
        _name = name;
        _socket = socket;
        _tls = tls;
        _server = server;
        _hosting = new ConnectionHosting(name, server);
        _connectionOptions = connectionOptions(this);
        Info = new AmpListenerInfo(name, socket, tls is not null);
    }

    public AmpListenerInfo Info { get; }

    /// <summary>
    /// Binds the listener and builds its responder table (accepting starts with <see cref="StartAccepting"/>). Failures name the listener's
    /// settings under <paramref name="setting"/>.
    /// </summary>
    public static async Task<HostedListener> BindAsync(AmpListenerOptions options, string setting, ServerServices server)
    {
        if (!ListenerEndpoint.TryParse(options.Endpoint, out ListenerEndpoint? endpoint, out string? problem))
        {
            throw new InvalidOperationException($"{setting}:Endpoint: {problem}");
        }

        ListenerTls? tls = options.Tls is { } tlsOptions ? ListenerTls.Load(tlsOptions, setting + ":Tls") : null;
        SocketListener? socket = null;
        try
        {
            socket = Listen(endpoint, options, setting, server);
            var listener = new HostedListener(options.Name, socket, tls, l => l.CreateConnectionOptions(options, server), server);
            Log.Hosting.ListenerStarted(server.Logger, options.Name, endpoint.Tcp is null ? endpoint.ToString() : $"tcp://{socket.LocalEndPoint}",
                tls is null ? "" : " (StartTLS answered)");
            return listener;
        }
        catch
        {
            tls?.Dispose();
            if (socket is not null)
            {
                await socket.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public void StartAccepting() => _accepting = AcceptAsync(_stop.Token);

    /// <summary>Stops accepting: the socket is closed, and every connection accepted so far is in the registry.</summary>
    public async Task StopAcceptingAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _socket.DisposeAsync().ConfigureAwait(false);
        await _accepting.ConfigureAwait(false);
        Log.Hosting.ListenerStopped(_server.Logger, _name, Info.EndPoint.ToString() ?? "");
    }

    public async ValueTask DisposeAsync()
    {
        await _socket.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _tls?.Dispose();
    }

    private static SocketListener Listen(ListenerEndpoint endpoint, AmpListenerOptions options, string setting, ServerServices server)
    {
        var defaults = new SocketTransportOptions();
        var socketOptions = new SocketTransportOptions { LoggerFactory = server.LoggerFactory, MaxConnections = options.MaxConnections ?? defaults.MaxConnections };

        try
        {
            return endpoint.Tcp is { } tcp ? SocketListener.ListenTcp(tcp, socketOptions) : SocketListener.ListenUnix(endpoint.UnixPath!, socketOptions);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{setting}:Endpoint: cannot listen on {endpoint} (listener '{options.Name}'): {e.Message}", e);
        }
    }

    private AmpConnectionOptions CreateConnectionOptions(AmpListenerOptions options, ServerServices server)
    {
        AmpResponders responders = _hosting.CreateResponders();
        if (_tls is { } tls)
        {
            responders.AddStartTls(tls.Options).AddStopTls();
        }

        return ConnectionOptionsFactory.Create(options.Connection, responders, server.LoggerFactory);
    }

    private async Task AcceptAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            AmpTransport transport;
            try
            {
                transport = await _socket.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Out of file descriptors, for instance: wait a little rather than spin on the failure.
                Log.Hosting.AcceptFailed(_server.Logger, _name, e);
                try
                {
                    await Task.Delay(AcceptRetryDelay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            Serve(transport);
        }
    }

    private void Serve(AmpTransport transport) => _hosting.Serve(AmpConnection.Start(transport, _connectionOptions));
}
