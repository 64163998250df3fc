using Amp.Tls;

namespace Amp.Negotiation;

/// <summary>A target an <see cref="AmpNegotiationServer"/> serves: its id, its TLS settings (its own certificate), and the node that negotiates for it.</summary>
public sealed class NegotiationTarget
{
    /// <summary>Creates a target.</summary>
    /// <param name="id">The id a request names (<c>GET /amp/&lt;id&gt;</c>).</param>
    /// <param name="tls">The target's TLS settings: its certificate (required: the listening side is the TLS server) and what it asks of the client's.</param>
    /// <param name="negotiator">The node whose id, offer, decision hook and AMP settings the target's connections use.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not a valid id, or <paramref name="tls"/> has no certificate.</exception>
    public NegotiationTarget(string id, TlsLayerOptions tls, AmpNegotiator negotiator)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(negotiator);
        NegotiationProtocol.TargetPath(id);
        if (tls.LocalCertificate is null)
        {
            throw new ArgumentException("A target needs a certificate (TlsLayerOptions.LocalCertificate): its side is the TLS server.", nameof(tls));
        }

        Id = id;
        Tls = tls;
        Negotiator = negotiator;
    }

    /// <summary>The target's id.</summary>
    public string Id { get; }

    /// <summary>The target's TLS settings.</summary>
    public TlsLayerOptions Tls { get; }

    /// <summary>The node that negotiates for the target.</summary>
    public AmpNegotiator Negotiator { get; }
}
