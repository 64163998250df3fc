using Amp.Tls;

namespace Amp.Negotiation;

/// <summary>What the master's application sees when it decides (<see cref="NegotiationOptions.Decide"/>).</summary>
public sealed class NegotiationContext
{
    internal NegotiationContext(string target, bool isConnectingSide, NegotiationOffer localOffer, NegotiationOffer peerOffer, int version, AmpExtensions extensions, TlsConnectionInfo tls)
    {
        Target = target;
        IsConnectingSide = isConnectingSide;
        LocalOffer = localOffer;
        PeerOffer = peerOffer;
        Version = version;
        Extensions = extensions;
        Tls = tls;
    }

    /// <summary>The target id the connection was made for.</summary>
    public string Target { get; }

    /// <summary>Whether this side (the master) is the side that connected.</summary>
    public bool IsConnectingSide { get; }

    /// <summary>This side's own offer.</summary>
    public NegotiationOffer LocalOffer { get; }

    /// <summary>The peer's offer: its id (a claim; check it against <see cref="Tls"/>'s peer certificate when it matters), versions, extensions, parameters.</summary>
    public NegotiationOffer PeerOffer { get; }

    /// <summary>The protocol version decided.</summary>
    public int Version { get; }

    /// <summary>The extensions decided (those both sides offered).</summary>
    public AmpExtensions Extensions { get; }

    /// <summary>What the TLS handshake negotiated, the peer's verified certificate included.</summary>
    public TlsConnectionInfo Tls { get; }
}
