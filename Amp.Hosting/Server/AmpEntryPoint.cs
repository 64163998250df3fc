namespace Amp.Hosting;

/// <summary>
/// A way into the AMP server for connections that something else accepts: a web server's HTTP upgrade
/// (Amp.AspNetCore), a transport of your own. Declared with <see cref="AmpServerBuilder.AddEntryPoint"/>, listed in
/// <see cref="IAmpServer.EntryPoints"/> once the host has started. Start each connection with
/// <see cref="ConnectionOptions"/> and hand it to <see cref="Adopt"/>: it is then served as a listener's connection is.
/// </summary>
/// <remarks>All members are thread-safe.</remarks>
public sealed class AmpEntryPoint
{
    private readonly ConnectionHosting _hosting;

    internal AmpEntryPoint(ConnectionHosting hosting, AmpConnectionOptions connectionOptions)
    {
        _hosting = hosting;
        ConnectionOptions = connectionOptions;
    }

    /// <summary>The name it was declared with: the <see cref="AmpConnectionContext.ListenerName"/> of its connections.</summary>
    public string Name => _hosting.Name;

    /// <summary>
    /// The settings to start its connections with: every responder of the server's builder (responder types resolved
    /// from the connection's service scope), the declared connection settings, logging through the host.
    /// </summary>
    public AmpConnectionOptions ConnectionOptions { get; }

    /// <summary>
    /// Hosts a started connection: gives it a service scope (unless a responder already did), lists it in
    /// <see cref="IAmpConnections"/>, closes it gracefully when the host stops, and disposes the scope once it has
    /// ended. A connection adopted while the host is stopping is closed gracefully at once; after the stop, at once.
    /// Adopting a connection again returns the same context.
    /// </summary>
    /// <param name="connection">A connection started with <see cref="ConnectionOptions"/> (or with responders of your own).</param>
    /// <returns>The connection's context.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No service scope could be created (the host is being disposed); the connection is closed.</exception>
    public AmpConnectionContext Adopt(AmpConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _hosting.Serve(connection)?.Context
            ?? throw new InvalidOperationException($"The AMP server cannot host connection {connection.Name} of entry point '{Name}': no service scope could be created for it; it is closed.");
    }

    /// <summary>The name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
