using Amp.Tls;

namespace Amp.Negotiation;

/// <summary>A negotiated connection: AMP running over TLS with the decided parameters, and how it was decided.</summary>
public sealed class AmpNegotiationResult : IAsyncDisposable
{
    internal AmpNegotiationResult(AmpConnection connection, string target, bool isConnectingSide, bool isMaster, NegotiationOffer peerOffer, NegotiationDecision decision, TlsConnectionInfo tls)
    {
        Connection = connection;
        Target = target;
        IsConnectingSide = isConnectingSide;
        IsMaster = isMaster;
        PeerOffer = peerOffer;
        Decision = decision;
        Tls = tls;
    }

    /// <summary>The AMP connection, running; its agreed extensions are <see cref="NegotiationDecision.Extensions"/>. Dispose it to close.</summary>
    public AmpConnection Connection { get; }

    /// <summary>The target id the connection was made for (after any redirects).</summary>
    public string Target { get; }

    /// <summary>Whether this side connected (sent the request); the other side listened.</summary>
    public bool IsConnectingSide { get; }

    /// <summary>Whether this side was the master: it made the decision.</summary>
    public bool IsMaster { get; }

    /// <summary>The peer's id, or <see langword="null"/> when it sent none.</summary>
    public string? PeerId => PeerOffer.Id;

    /// <summary>The peer's Hello block.</summary>
    public NegotiationOffer PeerOffer { get; }

    /// <summary>The decision both sides run with.</summary>
    public NegotiationDecision Decision { get; }

    /// <summary>What the TLS handshake negotiated (the peer's certificate, version, cipher suite).</summary>
    public TlsConnectionInfo Tls { get; }

    /// <summary>Closes the connection at once (<see cref="AmpConnection.CloseAsync()"/>).</summary>
    /// <returns>A task that completes when the transport is closed.</returns>
    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
