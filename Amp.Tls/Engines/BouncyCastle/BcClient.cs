using System.Net;
using System.Text;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// This side as BouncyCastle's TLS client: the versions and suites of the options, SNI for a host name, the
/// pre-shared key when one is set (and then no certificate from the server is taken), otherwise the
/// server's certificate put before <see cref="PeerVerdict"/> and this side's certificate when asked for.
/// </summary>
internal sealed class BcClient : AbstractTlsClient
{
    private readonly TlsLayerOptions _options;
    private readonly PeerVerdict _verdict;
    private readonly BcCredentials? _credentials;

    public BcClient(TlsCrypto crypto, TlsLayerOptions options, PeerVerdict verdict, BcCredentials? credentials)
        : base(crypto)
    {
        _options = options;
        _verdict = verdict;
        _credentials = credentials;
    }

    public BcOutcome Outcome { get; } = new();

    protected override ProtocolVersion[] GetSupportedVersions() => BcSuites.Versions(_options.EnabledProtocols);

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, BcSuites.ForClient(_options.PreSharedKey is not null));

    protected override IList<ServerName>? GetSniServerNames() =>
        string.IsNullOrEmpty(_options.TargetHost) || IPAddress.TryParse(_options.TargetHost, out _)
            ? null
            : [new ServerName(NameType.host_name, Encoding.ASCII.GetBytes(_options.TargetHost))];

    // Revocation is not checked (as with the platform's engine), so no OCSP response is asked for.
    protected override CertificateStatusRequest? GetCertificateStatusRequest() => null;

    public override TlsPskIdentity? GetPskIdentity() =>
        _options.PreSharedKey is { } key ? new BasicTlsPskIdentity(key.Identity.ToArray(), key.Key) : null;

    public override IList<TlsPskExternal>? GetExternalPsks() =>
        _options.PreSharedKey is { } key && TlsUtilities.IsTlsV13(GetProtocolVersions()[0])
            ? [new BasicTlsPskExternal(key.Identity.ToArray(), Crypto.CreateSecret(key.Key), PrfAlgorithm.tls13_hkdf_sha256)]
            : null;

    public override void NotifySelectedPsk(TlsPsk? selectedPsk)
    {
        if (_options.PreSharedKey is { } key && selectedPsk is null)
        {
            throw RefuseCertificateInstead(key);
        }

        Outcome.PreSharedKeyIdentity = selectedPsk?.Identity;
    }

    public override TlsAuthentication GetAuthentication() => _options.PreSharedKey is { } key
        ? throw RefuseCertificateInstead(key)
        : new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Outcome.Complete(m_context);
    }

    private TlsFatalAlert RefuseCertificateInstead(TlsPreSharedKey key)
    {
        _verdict.Refuse(TlsFailure.UnknownPreSharedKey,
            $"The server did not take the pre-shared key '{key.IdentityText}' (it wants to authenticate with a certificate instead); a client with a pre-shared key accepts no certificate.");
        return new TlsFatalAlert(AlertDescription.handshake_failure, _verdict.Reason);
    }

    /// <summary>The server's certificate, and this side's when the server asks.</summary>
    private sealed class Authentication(BcClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            BcPeerCheck.Verify(client._verdict, client._options, isClient: true, serverCertificate.Certificate, TlsUtilities.IsTlsV13(client.m_context));

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest)
        {
            if (client._credentials is not { } credentials)
            {
                return null;
            }

            bool tls13 = TlsUtilities.IsTlsV13(client.m_context);
            TlsCredentialedSigner? signer = credentials.SignerFor(client.m_context, certificateRequest.SupportedSignatureAlgorithms,
                tls13 ? certificateRequest.GetCertificateRequestContext() : null);
            if (signer is not null)
            {
                client.Outcome.LocalCertificate = credentials.Source;
            }

            return signer;
        }
    }
}
