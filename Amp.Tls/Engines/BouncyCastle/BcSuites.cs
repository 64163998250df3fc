using System.Security.Authentication;
using Org.BouncyCastle.Tls;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// The versions and cipher suites the BouncyCastle engine offers: AEAD suites only, with forward secrecy
/// for certificates (ECDHE), and for pre-shared keys ECDHE first, then plain PSK (which OpenSSL's
/// <c>-cipher PSK-…</c> peers use).
/// </summary>
internal static class BcSuites
{
    private static readonly int[] s_tls13 =
    [
        CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    // An external PSK names its hash (SHA-256 here, as OpenSSL's -psk does), and only suites of that hash may use it.
    private static readonly int[] s_tls13Sha256 = [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    private static readonly int[] s_ecdsa =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private static readonly int[] s_rsa =
    [
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    private static readonly int[] s_psk =
    [
        CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>The versions <paramref name="enabled"/> allows (None: both), newest first.</summary>
    public static ProtocolVersion[] Versions(SslProtocols enabled) => enabled switch
    {
        SslProtocols.Tls13 => ProtocolVersion.TLSv13.Only(),
        SslProtocols.Tls12 => ProtocolVersion.TLSv12.Only(),
        _ => ProtocolVersion.TLSv13.DownTo(ProtocolVersion.TLSv12),
    };

    /// <summary>A client's suites: with a pre-shared key only those that use it, else the certificate suites of both key types.</summary>
    public static int[] ForClient(bool preSharedKey) => preSharedKey ? [.. s_tls13Sha256, .. s_psk] : [.. s_tls13, .. s_ecdsa, .. s_rsa];

    /// <summary>A server's suites: TLS 1.3's, those its certificate's key can sign (if any), and the PSK suites when it knows keys.</summary>
    public static int[] ForServer(bool? ecdsaCertificate, bool preSharedKeys)
    {
        var suites = new List<int>(s_tls13);
        if (ecdsaCertificate is { } ecdsa)
        {
            suites.AddRange(ecdsa ? s_ecdsa : s_rsa);
        }

        if (preSharedKeys)
        {
            suites.AddRange(s_psk);
        }

        return [.. suites];
    }

    /// <summary>The version as .NET names it.</summary>
    public static SslProtocols ToSslProtocols(ProtocolVersion? version) =>
        version is null ? SslProtocols.None
        : ProtocolVersion.TLSv13.Equals(version) ? SslProtocols.Tls13
        : ProtocolVersion.TLSv12.Equals(version) ? SslProtocols.Tls12
        : SslProtocols.None;
}
