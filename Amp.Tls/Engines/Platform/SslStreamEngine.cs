using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Amp.Tls.Engines.Platform;

/// <summary>
/// The platform's TLS: an <see cref="SslStream"/> over the record-at-a-time view of the pipe below (OpenSSL
/// on Linux). The peer's certificate is decided in its validation callback by <see cref="PeerVerdict"/>.
/// </summary>
internal sealed class SslStreamEngine : ITlsEngine
{
    public static readonly SslStreamEngine Instance = new();

    private SslStreamEngine()
    {
    }

    public async Task<ITlsSession> HandshakeAsync(TlsRecordStream records, TlsLayerOptions options, bool isClient, int depth, PeerVerdict verdict, CancellationToken cancellationToken)
    {
        var tls = new SslStream(records, leaveInnerStreamOpen: true);
        try
        {
            if (isClient)
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.TargetHost ?? string.Empty,
                    ClientCertificates = options.LocalCertificate is { } certificate ? [certificate] : null,
                    EnabledSslProtocols = options.EnabledProtocols,
                    RemoteCertificateValidationCallback = (_, peer, _, errors) => verdict.Decide(options, isClient: true, peer, errors),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = options.LocalCertificate,
                    ClientCertificateRequired = options.RequireClientCertificate || options.TrustedAuthorities.Count > 0,
                    EnabledSslProtocols = options.EnabledProtocols,
                    RemoteCertificateValidationCallback = (_, peer, _, errors) => verdict.Decide(options, isClient: false, peer, errors),
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var info = new TlsConnectionInfo(TlsEngine.SslStream, tls.SslProtocol, tls.NegotiatedCipherSuite,
            tls.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null,
            tls.LocalCertificate is { } local ? new X509Certificate2(local) : null,
            preSharedKeyIdentity: null, isClient, depth);
        return new SslStreamSession(tls, records, info);
    }

    public bool TryGetReceivedAlert(Exception error, out int alert) => OpenSslAlerts.TryGetReceivedAlert(error, out alert);
}
