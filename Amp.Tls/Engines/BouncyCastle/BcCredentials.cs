using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// This side's certificate for BouncyCastle: the .NET certificate and its private key converted once (and
/// kept for as long as the certificate lives), then, per handshake, a signer for the signature scheme the
/// peer accepts.
/// </summary>
internal sealed class BcCredentials
{
    private static readonly ConditionalWeakTable<X509Certificate2, BcCredentials> s_converted = new();

    private readonly AsymmetricKeyParameter _privateKey;
    private readonly TlsCertificate _certificate;
    private readonly int[] _schemes;

    private BcCredentials(X509Certificate2 source, AsymmetricKeyParameter privateKey, TlsCertificate certificate, int[] schemes)
    {
        Source = source;
        _privateKey = privateKey;
        _certificate = certificate;
        _schemes = schemes;
    }

    /// <summary>The .NET certificate these credentials were made from.</summary>
    public X509Certificate2 Source { get; }

    /// <summary>Whether the key signs with ECDSA (else RSA): which TLS 1.2 cipher suites a server can offer.</summary>
    public bool IsEcdsa => _privateKey is ECPrivateKeyParameters;

    /// <summary>Converts <paramref name="certificate"/> and its key, or says why it cannot be.</summary>
    /// <exception cref="AmpTlsException"><see cref="TlsFailure.InvalidOptions"/>: no private key, or not an ECDSA or RSA key, or not exportable.</exception>
    public static BcCredentials From(X509Certificate2 certificate, TlsCrypto crypto) =>
        s_converted.GetValue(certificate, c => Convert(c, crypto));

    /// <summary>
    /// A signer for the first of <paramref name="peerAccepts"/> (the peer's preference) that this key can make,
    /// with the certificate as TLS 1.3 (<paramref name="requestContext"/> not null) or TLS 1.2 sends it;
    /// <see langword="null"/> when there is none.
    /// </summary>
    public TlsCredentialedSigner? SignerFor(TlsContext context, IList<SignatureAndHashAlgorithm>? peerAccepts, byte[]? requestContext)
    {
        SignatureAndHashAlgorithm? chosen = null;
        if (peerAccepts is null)
        {
            // A TLS 1.2 peer that sent no signature_algorithms: SHA-256 with this key's algorithm.
            chosen = SignatureScheme.GetSignatureAndHashAlgorithm(_schemes[0]);
        }
        else
        {
            foreach (SignatureAndHashAlgorithm offered in peerAccepts)
            {
                if (Array.IndexOf(_schemes, SignatureScheme.From(offered)) >= 0
                    && (requestContext is null || IsTls13Scheme(SignatureScheme.From(offered))))
                {
                    chosen = offered;
                    break;
                }
            }
        }

        if (chosen is null)
        {
            return null;
        }

        Certificate certificate = requestContext is null
            ? new Certificate([_certificate])
            : new Certificate(requestContext, [new CertificateEntry(_certificate, null)]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto)context.Crypto, _privateKey, certificate, chosen);
    }

    private static bool IsTls13Scheme(int scheme) => scheme is not (SignatureScheme.rsa_pkcs1_sha256 or SignatureScheme.rsa_pkcs1_sha384 or SignatureScheme.rsa_pkcs1_sha512);

    private static BcCredentials Convert(X509Certificate2 certificate, TlsCrypto crypto)
    {
        if (!certificate.HasPrivateKey)
        {
            throw Invalid(certificate, "it has no private key");
        }

        byte[] pkcs8;
        int[] schemes;
        try
        {
            if (certificate.GetECDsaPrivateKey() is { } ecdsa)
            {
                using (ecdsa)
                {
                    pkcs8 = ecdsa.ExportPkcs8PrivateKey();
                    Oid? curve = ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid;
                    schemes = curve?.Value switch
                    {
                        "1.2.840.10045.3.1.7" => [SignatureScheme.ecdsa_secp256r1_sha256],
                        "1.3.132.0.34" => [SignatureScheme.ecdsa_secp384r1_sha384],
                        "1.3.132.0.35" => [SignatureScheme.ecdsa_secp521r1_sha512],
                        _ => throw Invalid(certificate, $"the engine signs with the curves P-256, P-384 and P-521, not {curve?.FriendlyName ?? curve?.Value ?? "an unnamed curve"}"),
                    };
                }
            }
            else if (certificate.GetRSAPrivateKey() is { } rsa)
            {
                using (rsa)
                {
                    pkcs8 = rsa.ExportPkcs8PrivateKey();
                    schemes =
                    [
                        SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512,
                        SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.rsa_pkcs1_sha384, SignatureScheme.rsa_pkcs1_sha512,
                    ];
                }
            }
            else
            {
                throw Invalid(certificate, "its key is neither ECDSA nor RSA");
            }
        }
        catch (CryptographicException e)
        {
            throw Invalid(certificate, $"its private key cannot be exported ({e.Message})", e);
        }

        return new BcCredentials(certificate, PrivateKeyFactory.CreateKey(pkcs8), crypto.CreateCertificate(certificate.RawData), schemes);
    }

    private static AmpTlsException Invalid(X509Certificate2 certificate, string why, Exception? inner = null) =>
        new(TlsFailure.InvalidOptions, $"The BouncyCastle engine cannot use the certificate {certificate.Subject}: {why}.", inner);
}
