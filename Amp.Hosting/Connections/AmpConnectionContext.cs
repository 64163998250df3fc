namespace Amp.Hosting;

/// <summary>
/// The hosted connection a service scope belongs to: inject it (it is a scoped service) into responders and
/// the services they use, to reach the connection, its listener, and its per-connection state.
/// </summary>
/// <remarks>
/// Each connection an AMP listener accepts gets one dependency-injection scope, created before its first
/// command is answered and disposed (asynchronously) once the connection has ended; scoped services are
/// shared by all the calls of one connection. Resolving this type outside such a scope throws
/// <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed class AmpConnectionContext
{
    internal AmpConnectionContext(AmpConnection connection, string listenerName, IServiceProvider services)
    {
        Connection = connection;
        ListenerName = listenerName;
        Services = services;
    }

    /// <summary>The connection: call the peer back with it, watch its <see cref="AmpConnection.Completion"/>.</summary>
    public AmpConnection Connection { get; }

    /// <summary>The <see cref="AmpListenerOptions.Name"/> of the listener that accepted it, or the <see cref="AmpEntryPoint.Name"/> of the entry point that handed it over.</summary>
    public string ListenerName { get; }

    /// <summary>The connection's service scope: its scoped services, for code outside it (for example when enumerating <see cref="IAmpConnections"/>).</summary>
    public IServiceProvider Services { get; }

    /// <summary>The connection's <see cref="AmpConnection.Items"/>.</summary>
    public AmpConnectionItems Items => Connection.Items;

    /// <summary>The listener and the connection, for diagnostics.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => $"{ListenerName}: {Connection.Name}";
}
