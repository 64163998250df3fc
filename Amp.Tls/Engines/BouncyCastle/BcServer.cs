using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// This side as BouncyCastle's TLS server: the versions of the options, the suites its certificate's key
/// can sign and the PSK suites when it knows keys, a client certificate asked for and put before
/// <see cref="PeerVerdict"/> as the platform's engine does, and the client's pre-shared key looked up in
/// <see cref="TlsLayerOptions.PreSharedKey"/> and <see cref="TlsLayerOptions.PreSharedKeyLookup"/>.
/// </summary>
internal sealed class BcServer : AbstractTlsServer, TlsPskIdentityManager
{
    private readonly TlsLayerOptions _options;
    private readonly PeerVerdict _verdict;
    private readonly BcCredentials? _credentials;
    private bool _pskSelected13;

    public BcServer(TlsCrypto crypto, TlsLayerOptions options, PeerVerdict verdict, BcCredentials? credentials)
        : base(crypto)
    {
        _options = options;
        _verdict = verdict;
        _credentials = credentials;
    }

    public BcOutcome Outcome { get; } = new();

    protected override ProtocolVersion[] GetSupportedVersions() => BcSuites.Versions(_options.EnabledProtocols);

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, BcSuites.ForServer(_credentials?.IsEcdsa, _options.UsesPreSharedKeys));

    public override TlsPskExternal? GetExternalPsk(IList<PskIdentity> identities)
    {
        foreach (PskIdentity offered in identities)
        {
            if (FindKey(offered.Identity) is { } key)
            {
                _pskSelected13 = true;
                Outcome.PreSharedKeyIdentity = offered.Identity;
                return new BasicTlsPskExternal(offered.Identity, Crypto.CreateSecret(key), PrfAlgorithm.tls13_hkdf_sha256);
            }
        }

        if (_credentials is null)
        {
            string names = string.Join(", ", identities.Select(i => $"'{TlsText.Identity(i.Identity)}'"));
            throw Refuse(AlertDescription.unknown_psk_identity, $"The client offered pre-shared keys this side does not know ({names}), and this side has no certificate.");
        }

        return null;
    }

    public override int GetSelectedCipherSuite()
    {
        bool tls13 = TlsUtilities.IsTlsV13(m_context.ServerVersion);
        if (tls13 && _pskSelected13)
        {
            // The external key's hash is SHA-256: only a suite of that hash may use it.
            foreach (int offered in m_offeredCipherSuites)
            {
                if (offered is CipherSuite.TLS_AES_128_GCM_SHA256 or CipherSuite.TLS_CHACHA20_POLY1305_SHA256 && SelectCipherSuite(offered))
                {
                    return offered;
                }
            }

            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client offered no SHA-256 cipher suite for its pre-shared key.");
        }

        if (_credentials is null && (tls13 || !OffersPskSuite()))
        {
            throw Refuse(AlertDescription.handshake_failure, "The client offered no pre-shared key, and this side has no certificate.");
        }

        return base.GetSelectedCipherSuite();
    }

    public override TlsCredentials? GetCredentials()
    {
        if (TlsUtilities.IsTlsV13(m_context))
        {
            return Signer(TlsUtilities.EmptyBytes);
        }

        return m_context.SecurityParameters.KeyExchangeAlgorithm is KeyExchangeAlgorithm.PSK or KeyExchangeAlgorithm.ECDHE_PSK or KeyExchangeAlgorithm.DHE_PSK
            ? null
            : Signer(null);
    }

    public override CertificateRequest? GetCertificateRequest()
    {
        if (!_options.RequireClientCertificate && _options.TrustedAuthorities.Count == 0)
        {
            return null;
        }

        IList<SignatureAndHashAlgorithm> accepted = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
        return TlsUtilities.IsTlsV13(m_context)
            ? new CertificateRequest(TlsUtilities.EmptyBytes, accepted, null, null)
            : new CertificateRequest([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], accepted, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        BcPeerCheck.Verify(_verdict, _options, isClient: false, clientCertificate, TlsUtilities.IsTlsV13(m_context));

    public override TlsPskIdentityManager? GetPskIdentityManager() => _options.UsesPreSharedKeys ? this : null;

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Outcome.Complete(m_context);
    }

    /// <summary>TLS 1.2 PSK: no identity hint.</summary>
    byte[]? TlsPskIdentityManager.GetHint() => null;

    /// <summary>TLS 1.2 PSK: the key for the identity the client sent; unknown ones end the handshake (<c>unknown_psk_identity</c>).</summary>
    byte[]? TlsPskIdentityManager.GetPsk(byte[] identity)
    {
        if (FindKey(identity) is { } key)
        {
            return key;
        }

        _verdict.Refuse(TlsFailure.UnknownPreSharedKey, $"The client offered the pre-shared key '{TlsText.Identity(identity)}', which this side does not know.");
        return null;
    }

    private byte[]? FindKey(byte[] identity)
    {
        if (_options.PreSharedKey is { } key && key.IsNamed(identity))
        {
            return key.Key;
        }

        if (_options.PreSharedKeyLookup?.Invoke(identity) is not { } found)
        {
            return null;
        }

        if (found.Length < TlsPreSharedKey.MinimumKeyBytes)
        {
            throw Refuse(AlertDescription.internal_error,
                $"PreSharedKeyLookup gave a key of {found.Length} bytes for '{TlsText.Identity(identity)}'; a pre-shared key has at least {TlsPreSharedKey.MinimumKeyBytes}.");
        }

        return found;
    }

    private bool OffersPskSuite()
    {
        foreach (int offered in m_offeredCipherSuites)
        {
            if (TlsUtilities.GetKeyExchangeAlgorithm(offered) is KeyExchangeAlgorithm.PSK or KeyExchangeAlgorithm.ECDHE_PSK or KeyExchangeAlgorithm.DHE_PSK)
            {
                return true;
            }
        }

        return false;
    }

    private TlsCredentialedSigner Signer(byte[]? requestContext)
    {
        TlsCredentialedSigner? signer = _credentials?.SignerFor(m_context, m_context.SecurityParameters.ClientSigAlgs, requestContext);
        if (signer is null)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client accepts no signature scheme this side's certificate can make.");
        }

        Outcome.LocalCertificate = _credentials!.Source;
        return signer;
    }

    private TlsFatalAlert Refuse(short alert, string reason)
    {
        _verdict.Refuse(TlsFailure.UnknownPreSharedKey, reason);
        return new TlsFatalAlert(alert, reason);
    }
}
