using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Amp.Tls;

/// <summary>
/// Decides, for one handshake, whether the peer's certificate is acceptable, and remembers why not so
/// the failure can name its cause. Both engines ask it, so they verify alike; an engine also records here
/// why it refused a peer's pre-shared key.
/// </summary>
internal sealed class PeerVerdict
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public TlsFailure? Failure { get; private set; }

    public string? Reason { get; private set; }

    /// <summary>Whether the peer sent no certificate when this side refused it.</summary>
    public bool NoCertificate { get; private set; }

    /// <summary>
    /// Decides on the certificate the peer presented (none: <see langword="null"/>). <paramref name="platformErrors"/>
    /// is what the platform's own chain check found (SslStream), or <see langword="null"/> when nothing checked
    /// it yet (BouncyCastle): the chain is then always built here, against the system's roots when no
    /// authorities are pinned. <paramref name="intermediates"/> are the other certificates the peer sent.
    /// </summary>
    public bool Decide(TlsLayerOptions options, bool isClient, X509Certificate? presented, SslPolicyErrors? platformErrors,
        X509Certificate2Collection? intermediates = null)
    {
        if (options.AllowAnyPeerCertificate)
        {
            return true;
        }

        string peer = isClient ? "server" : "client";
        if (presented is null)
        {
            NoCertificate = true;
            return (!isClient && !options.RequireClientCertificate && options.TrustedAuthorities.Count == 0)
                || Refuse(TlsFailure.UntrustedCertificate, $"The {peer} sent no certificate.");
        }

        using var certificate = new X509Certificate2(presented);
        if (!CheckChain(options, isClient, certificate, platformErrors, intermediates, peer))
        {
            return false;
        }

        if (isClient && options.CheckHostName && !string.IsNullOrEmpty(options.TargetHost) && !certificate.MatchesHostname(options.TargetHost))
        {
            return Refuse(TlsFailure.HostNameMismatch, $"The server's certificate ({certificate.Subject}) does not name the host '{options.TargetHost}'.");
        }

        if (options.PeerCertificateCheck is { } check && !check(certificate))
        {
            return Refuse(TlsFailure.UntrustedCertificate, $"The {peer}'s certificate ({certificate.Subject}) was refused by PeerCertificateCheck.");
        }

        return true;
    }

    private bool CheckChain(TlsLayerOptions options, bool isClient, X509Certificate2 certificate, SslPolicyErrors? platformErrors,
        X509Certificate2Collection? intermediates, string peer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // Without a platform check this runs inside the engine's handshake step, which must not wait on the
        // network: intermediates come from the peer, never from an AIA download.
        chain.ChainPolicy.DisableCertificateDownloads = platformErrors is null;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(isClient ? ServerAuthentication : ClientAuthentication));
        if (intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        }

        if (options.TrustedAuthorities.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(options.TrustedAuthorities);
        }
        else if (platformErrors is { } errors && (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0)
        {
            return true;
        }

        if (chain.Build(certificate))
        {
            return true;
        }

        foreach (X509ChainStatus status in chain.ChainStatus)
        {
            if (status.Status.HasFlag(X509ChainStatusFlags.NotTimeValid))
            {
                return Refuse(TlsFailure.ExpiredCertificate,
                    $"The {peer}'s certificate ({certificate.Subject}) is not valid now: valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}.");
            }
        }

        string statuses = string.Join("; ", Array.ConvertAll(chain.ChainStatus, s => s.StatusInformation.Trim()));
        string trusted = options.TrustedAuthorities.Count > 0
            ? $"the {options.TrustedAuthorities.Count} trusted authorit{(options.TrustedAuthorities.Count == 1 ? "y" : "ies")} ({options.TrustedAuthorities[0].Subject})"
            : "the system's trusted roots";
        return Refuse(TlsFailure.UntrustedCertificate,
            $"The {peer}'s certificate ({certificate.Subject}, issued by {certificate.Issuer}) does not chain to {trusted}: {statuses}");
    }

    /// <summary>Records why this side refused the peer (the first reason wins) and returns <see langword="false"/>.</summary>
    public bool Refuse(TlsFailure failure, string reason)
    {
        if (Failure is not null)
        {
            return false;
        }

        Failure = failure;
        Reason = reason;
        return false;
    }
}
