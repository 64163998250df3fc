using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Amp.Tls;

/// <summary>What one TLS layer negotiated. The TLS stream itself is never exposed.</summary>
public sealed class TlsConnectionInfo
{
    internal TlsConnectionInfo(SslStream stream, bool isClient, int depth)
    {
        Protocol = stream.SslProtocol;
        CipherSuite = stream.NegotiatedCipherSuite;
        PeerCertificate = stream.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
        LocalCertificate = stream.LocalCertificate is { } local ? new X509Certificate2(local) : null;
        IsClient = isClient;
        Depth = depth;
    }

    /// <summary>The TLS version, such as <see cref="SslProtocols.Tls13"/>.</summary>
    public SslProtocols Protocol { get; }

    /// <summary>The cipher suite.</summary>
    public TlsCipherSuite CipherSuite { get; }

    /// <summary>The peer's certificate, if it sent one.</summary>
    public X509Certificate2? PeerCertificate { get; }

    /// <summary>The certificate this side presented, if any.</summary>
    public X509Certificate2? LocalCertificate { get; }

    /// <summary>Whether this side was the TLS client.</summary>
    public bool IsClient { get; }

    /// <summary>Which layer this is: 1 for the first TLS layer, 2 for TLS inside it, and so on.</summary>
    public int Depth { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"TLS layer {Depth}: {Protocol}, {CipherSuite}, {(IsClient ? "client" : "server")}, peer {PeerCertificate?.Subject ?? "(no certificate)"}";
}
