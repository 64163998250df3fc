using Amp.Hosting.Logging;

namespace Amp.Hosting;

/// <summary>
/// What the server does for every connection of one listener or entry point: the responder table whose responder
/// types are resolved from the connection's service scope, and the hosting of each started connection (its scope,
/// its place in <see cref="IAmpConnections"/>, the disposal of its scope once it has ended).
/// </summary>
internal sealed class ConnectionHosting
{
    private readonly ServerServices _server;

    public ConnectionHosting(string name, ServerServices server)
    {
        Name = name;
        _server = server;
    }

    /// <summary>The listener's or entry point's name: <see cref="AmpConnectionContext.ListenerName"/> of its connections.</summary>
    public string Name { get; }

    /// <summary>A table with every responder the server's builder registered, responder types resolved from each connection's scope.</summary>
    public AmpResponders CreateResponders()
    {
        var responders = new AmpResponders();
        foreach (ResponderSetup setup in _server.Setups.Snapshot())
        {
            setup(responders, _server.Services, connection => Attach(connection).Context.Services);
        }

        return responders;
    }

    /// <summary>
    /// Hosts a started connection: gives it its scope (unless a responder already did), lists it, and disposes the scope
    /// once it has ended. A connection that cannot get a scope (the service provider is being disposed) is closed, logged,
    /// and <see langword="null"/> is returned. Hosting a connection twice hosts it once.
    /// </summary>
    public HostedConnection? Serve(AmpConnection connection)
    {
        HostedConnection hosted;
        try
        {
            hosted = Attach(connection);
        }
        catch (Exception e)
        {
            Log.Hosting.AcceptFailed(_server.Logger, Name, e);
            _ = connection.CloseAsync();
            return null;
        }

        if (hosted.TryMarkServed())
        {
            Log.Hosting.ConnectionAccepted(_server.Logger, Name, connection.Name);
            hosted.Ended = EndAsync(hosted);
        }

        return hosted;
    }

    /// <summary>
    /// The hosted state of a connection: created, with its scope, and listed in <see cref="IAmpConnections"/>
    /// by whichever asks first, <see cref="Serve"/> right after the connection started or the first responder
    /// resolved for it (the read loop may answer a command before <c>AmpConnection.Start</c> has returned). So a
    /// connection is listed before its first command is answered. One the server learns of while it is stopping
    /// (an entry point's, accepted elsewhere) closes gracefully at once, within the same shutdown.
    /// </summary>
    private HostedConnection Attach(AmpConnection connection) => connection.Items.GetOrAdd(() =>
    {
        var hosted = new HostedConnection(connection, Name, _server.Scopes);
        if (!_server.Registry.Add(hosted, out CancellationToken closeBy))
        {
            _ = connection.CloseAsync(closeBy);
        }

        return hosted;
    });

    /// <summary>Once the connection has ended: out of the registry, then its scope disposed.</summary>
    private async Task EndAsync(HostedConnection hosted)
    {
        AmpConnection connection = hosted.Context.Connection;
        AmpConnectionLostException end = await connection.Completion.ConfigureAwait(false);
        _server.Registry.Remove(hosted);
        try
        {
            await hosted.DisposeScopeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.Hosting.ConnectionScopeDisposeFailed(_server.Logger, Name, connection.Name, e);
        }

        Log.Hosting.HostedConnectionEnded(_server.Logger, Name, connection.Name, end.Reason);
    }
}
