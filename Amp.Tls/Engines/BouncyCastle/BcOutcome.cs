using System.Net.Security;
using System.Security.Authentication;
using Org.BouncyCastle.Tls;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>What a BouncyCastle handshake settled, captured when it completes (the protocol clears its handshake state then).</summary>
internal sealed class BcOutcome
{
    /// <summary>Whether the handshake has completed on this side.</summary>
    public bool Completed { get; private set; }

    public SslProtocols Protocol { get; private set; }

    public TlsCipherSuite CipherSuite { get; private set; }

    public Certificate? PeerCertificate { get; private set; }

    /// <summary>The certificate this side sent, if it sent one.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? LocalCertificate { get; set; }

    /// <summary>The identity of the pre-shared key both sides proved, if one was used.</summary>
    public byte[]? PreSharedKeyIdentity { get; set; }

    public void Complete(TlsContext context)
    {
        SecurityParameters parameters = context.SecurityParameters;
        Protocol = BcSuites.ToSslProtocols(parameters.NegotiatedVersion);
        CipherSuite = (TlsCipherSuite)parameters.CipherSuite;
        PeerCertificate = parameters.PeerCertificate;
        if (parameters.PskIdentity is { } identity)
        {
            PreSharedKeyIdentity = identity;
        }

        if (parameters.LocalCertificate is null || parameters.LocalCertificate.IsEmpty)
        {
            LocalCertificate = null;
        }

        Completed = true;
    }

    public TlsConnectionInfo ToInfo(bool isClient, int depth) => new(TlsEngine.BouncyCastle, Protocol, CipherSuite,
        PreSharedKeyIdentity is null ? BcPeerCheck.LeafOf(PeerCertificate) : null,
        LocalCertificate is null ? null : new System.Security.Cryptography.X509Certificates.X509Certificate2(LocalCertificate), PreSharedKeyIdentity, isClient, depth);
}
