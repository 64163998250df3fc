namespace Amp.Hosting;

/// <summary>One listening end point of the AMP server and the settings of the connections it accepts.</summary>
public sealed class AmpListenerOptions
{
    /// <summary>A name unique among the listeners (compared ignoring case): in logs, in messages and in <see cref="AmpConnectionContext.ListenerName"/>.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// Where to listen: <c>tcp://HOST:PORT</c>, where HOST is an IP address (<c>0.0.0.0</c>, <c>[::]</c>,
    /// <c>127.0.0.1</c>), <c>localhost</c> (the IPv4 loopback) or <c>*</c> (every IPv4 address), and PORT 0 picks a
    /// free port (see <see cref="IAmpServer.Listeners"/>); or <c>unix:PATH</c> for a Unix domain socket.
    /// </summary>
    public string Endpoint { get; init; } = "";

    /// <summary>
    /// The most connections this listener keeps open at once; further ones are closed as they arrive and
    /// logged (see <c>SocketTransportOptions.MaxConnections</c>). <see langword="null"/>: the default, 10,000.
    /// </summary>
    public int? MaxConnections { get; init; }

    /// <summary>
    /// When set, the listener answers StartTLS (and StopTLS) with this certificate and client policy; a client
    /// calls StartTLS to encrypt its connection, as with Twisted. <see langword="null"/>: StartTLS is not answered.
    /// </summary>
    public AmpListenerTlsOptions? Tls { get; init; }

    /// <summary>The limits and settings of each connection; <see langword="null"/> or a missing value keeps Amp.NET's default.</summary>
    public AmpListenerConnectionOptions? Connection { get; init; }
}
