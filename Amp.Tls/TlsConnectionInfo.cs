using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Amp.Tls;

/// <summary>What one TLS layer negotiated. The TLS engine itself is never exposed.</summary>
public sealed class TlsConnectionInfo
{
    private readonly byte[]? _preSharedKeyIdentity;

    internal TlsConnectionInfo(TlsEngine engine, SslProtocols protocol, TlsCipherSuite cipherSuite, X509Certificate2? peerCertificate,
        X509Certificate2? localCertificate, byte[]? preSharedKeyIdentity, bool isClient, int depth)
    {
        Engine = engine;
        Protocol = protocol;
        CipherSuite = cipherSuite;
        PeerCertificate = peerCertificate;
        LocalCertificate = localCertificate;
        _preSharedKeyIdentity = preSharedKeyIdentity;
        IsClient = isClient;
        Depth = depth;
    }

    /// <summary>The TLS implementation that ran the layer.</summary>
    public TlsEngine Engine { get; }

    /// <summary>The TLS version, such as <see cref="SslProtocols.Tls13"/>.</summary>
    public SslProtocols Protocol { get; }

    /// <summary>The cipher suite.</summary>
    public TlsCipherSuite CipherSuite { get; }

    /// <summary>The peer's certificate, if it sent one.</summary>
    public X509Certificate2? PeerCertificate { get; }

    /// <summary>The certificate this side presented, if any.</summary>
    public X509Certificate2? LocalCertificate { get; }

    /// <summary>
    /// The identity of the pre-shared key that authenticated both sides (<see cref="TlsLayerOptions.PreSharedKey"/>),
    /// or <see langword="null"/> when certificates did.
    /// </summary>
    public ReadOnlyMemory<byte>? PreSharedKeyIdentity =>
        _preSharedKeyIdentity is { } identity ? new ReadOnlyMemory<byte>(identity) : (ReadOnlyMemory<byte>?)null;   // a bare null would become an empty array

    /// <summary>Whether this side was the TLS client.</summary>
    public bool IsClient { get; }

    /// <summary>Which layer this is: 1 for the first TLS layer, 2 for TLS inside it, and so on.</summary>
    public int Depth { get; }

    /// <inheritdoc/>
    public override string ToString()
    {
        string peer = _preSharedKeyIdentity is { } identity
            ? $"pre-shared key '{TlsText.Identity(identity)}'"
            : PeerCertificate?.Subject ?? "(no certificate)";
        return $"TLS layer {Depth}: {Protocol}, {CipherSuite}, {(IsClient ? "client" : "server")}, {Engine}, peer {peer}";
    }
}
