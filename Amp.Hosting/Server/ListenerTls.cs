using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Amp.Tls;

namespace Amp.Hosting;

/// <summary>The StartTLS settings of one listener, loaded: certificates and the handshake limiter, released when the listener stops.</summary>
internal sealed class ListenerTls : IDisposable
{
    private readonly X509Certificate2Collection _authorities;

    private ListenerTls(TlsLayerOptions options, X509Certificate2Collection authorities)
    {
        Options = options;
        _authorities = authorities;
    }

    public TlsLayerOptions Options { get; }

    /// <summary>Loads what <paramref name="settings"/> name; failures name the setting at fault (under <paramref name="setting"/>).</summary>
    public static ListenerTls Load(AmpListenerTlsOptions settings, string setting)
    {
        if (settings.HandshakeTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{setting}:HandshakeTimeout: must be positive, not {timeout}.");
        }

        if (settings.MaxConcurrentHandshakes is < 1)
        {
            throw new InvalidOperationException($"{setting}:MaxConcurrentHandshakes: must be at least 1, not {settings.MaxConcurrentHandshakes}.");
        }

        var authorities = new X509Certificate2Collection();
        X509Certificate2? certificate = null;
        try
        {
            certificate = CertificateLoader.LoadServerCertificate(settings.Certificate, setting + ":Certificate");
            for (int i = 0; i < settings.TrustedAuthorities.Count; i++)
            {
                authorities.Add(CertificateLoader.LoadAuthority(settings.TrustedAuthorities[i], $"{setting}:TrustedAuthorities:{i}"));
            }
        }
        catch
        {
            certificate?.Dispose();
            Dispose(authorities);
            throw;
        }

        var options = new TlsLayerOptions
        {
            LocalCertificate = certificate,
            TrustedAuthorities = authorities,
            RequireClientCertificate = settings.ClientCertificateRequired,
        };
        if (settings.HandshakeTimeout is { } handshakeTimeout)
        {
            options = options with { HandshakeTimeout = handshakeTimeout };
        }

        if (settings.MaxConcurrentHandshakes is int permits)
        {
            options.HandshakeLimiter?.Dispose();
            options = options with
            {
                HandshakeLimiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
                {
                    PermitLimit = permits,
                    QueueLimit = 4 * permits,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }),
            };
        }

        return new ListenerTls(options, authorities);
    }

    public void Dispose()
    {
        Options.HandshakeLimiter?.Dispose();
        Options.LocalCertificate?.Dispose();
        Dispose(_authorities);
    }

    private static void Dispose(X509Certificate2Collection certificates)
    {
        foreach (X509Certificate2 certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}
