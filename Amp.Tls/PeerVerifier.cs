using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Amp.Tls;

/// <summary>Decides whether a peer's certificate is acceptable under a layer's options.</summary>
internal static class PeerVerifier
{
    public static bool Verify(TlsLayerOptions options, bool isClient, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (options.AllowAnyPeerCertificate)
        {
            return true;
        }

        if (certificate is null)
        {
            // Only a server that does not require client certificates gets here without one.
            return !isClient && !options.RequireClientCertificate;
        }

        bool chainOk = options.TrustedAuthorities.Count == 0
            ? (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0
            : ChainsToPinnedAuthority(options, certificate, isClient);
        if (!chainOk)
        {
            return false;
        }

        if (isClient && options.CheckHostName && !string.IsNullOrEmpty(options.TargetHost)
            && !certificate.MatchesHostname(options.TargetHost))
        {
            return false;
        }

        return options.PeerCertificateCheck?.Invoke(certificate) ?? true;
    }

    private static bool ChainsToPinnedAuthority(TlsLayerOptions options, X509Certificate2 certificate, bool isClient)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(options.TrustedAuthorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(isClient ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"));
        return chain.Build(certificate);
    }
}
