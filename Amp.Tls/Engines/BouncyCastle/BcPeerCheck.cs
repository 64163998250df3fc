using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Tls;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// Puts the certificate chain BouncyCastle received before <see cref="PeerVerdict"/>, the same rules the
/// platform's engine follows, and, when it refuses, throws the alert an OpenSSL peer would send for that
/// cause, so the peer learns why (BouncyCastle sends the alert and fails the handshake).
/// </summary>
internal static class BcPeerCheck
{
    public static void Verify(PeerVerdict verdict, TlsLayerOptions options, bool isClient, Certificate? received, bool isTls13)
    {
        TlsCertificateList(received, out X509Certificate2? leaf, out X509Certificate2Collection? intermediates);
        try
        {
            if (verdict.Decide(options, isClient, leaf, platformErrors: null, intermediates))
            {
                return;
            }
        }
        finally
        {
            leaf?.Dispose();
            if (intermediates is not null)
            {
                foreach (X509Certificate2 intermediate in intermediates)
                {
                    intermediate.Dispose();
                }
            }
        }

        short alert = verdict.Failure switch
        {
            _ when verdict.NoCertificate => isTls13 ? AlertDescription.certificate_required : AlertDescription.handshake_failure,
            TlsFailure.ExpiredCertificate => AlertDescription.certificate_expired,
            TlsFailure.HostNameMismatch => AlertDescription.bad_certificate,
            _ => AlertDescription.unknown_ca,
        };
        throw new TlsFatalAlert(alert, verdict.Reason);
    }

    /// <summary>The leaf of the chain the peer sent (the first certificate) and the others, as .NET certificates; none when it sent none.</summary>
    private static void TlsCertificateList(Certificate? received, out X509Certificate2? leaf, out X509Certificate2Collection? intermediates)
    {
        leaf = null;
        intermediates = null;
        if (received is null || received.IsEmpty)
        {
            return;
        }

        leaf = X509CertificateLoader.LoadCertificate(received.GetCertificateAt(0).GetEncoded());
        if (received.Length > 1)
        {
            intermediates = [];
            for (int i = 1; i < received.Length; i++)
            {
                intermediates.Add(X509CertificateLoader.LoadCertificate(received.GetCertificateAt(i).GetEncoded()));
            }
        }
    }

    /// <summary>The leaf certificate of <paramref name="received"/>, for <see cref="TlsConnectionInfo"/>; <see langword="null"/> when empty.</summary>
    public static X509Certificate2? LeafOf(Certificate? received) =>
        received is null || received.IsEmpty ? null : X509CertificateLoader.LoadCertificate(received.GetCertificateAt(0).GetEncoded());
}
