using System.Net;
using Amp.Transports;

namespace Amp.Hosting;

/// <summary>One running listener of the AMP server.</summary>
public sealed class AmpListenerInfo
{
    private readonly SocketListener _listener;

    internal AmpListenerInfo(string name, SocketListener listener, bool tls)
    {
        Name = name;
        _listener = listener;
        Tls = tls;
    }

    /// <summary>The <see cref="AmpListenerOptions.Name"/>.</summary>
    public string Name { get; }

    /// <summary>The bound end point: an <see cref="IPEndPoint"/> with the actual port, or a Unix domain socket's.</summary>
    public EndPoint EndPoint => _listener.LocalEndPoint;

    /// <summary>The bound TCP port; <see langword="null"/> for a Unix domain socket.</summary>
    public int? Port => _listener.LocalEndPoint is IPEndPoint ip ? ip.Port : null;

    /// <summary>The socket file of a Unix domain socket listener; <see langword="null"/> for TCP.</summary>
    public string? UnixSocketPath => _listener.UnixSocketPath;

    /// <summary>Whether the listener answers StartTLS (<see cref="AmpListenerOptions.Tls"/> is set).</summary>
    public bool Tls { get; }

    /// <summary>How many of its connections are open (the count <see cref="AmpListenerOptions.MaxConnections"/> limits).</summary>
    public int ConnectionCount => _listener.ConnectionCount;

    /// <summary>The name and the end point.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => $"{Name} {EndPoint}";
}
