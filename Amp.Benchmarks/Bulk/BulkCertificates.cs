using System.Security.Cryptography.X509Certificates;
using Amp.Tls;

namespace Amp.Benchmarks.Bulk;

/// <summary>A private CA with a server and a client certificate (ECDSA P-256), used by every TLS case of one run.</summary>
internal sealed class BulkCertificates
{
    public BulkCertificates()
    {
        Authority = DevelopmentCertificates.CreateAuthority("Bench CA");
        Server = DevelopmentCertificates.Issue(Authority, "bench-server");
        Client = DevelopmentCertificates.Issue(Authority, "bench-client");
        ServerOptions = new TlsLayerOptions { LocalCertificate = Server, TrustedAuthorities = [Authority] };
        ClientOptions = new TlsLayerOptions { LocalCertificate = Client, TrustedAuthorities = [Authority], TargetHost = "localhost" };
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public TlsLayerOptions ServerOptions { get; }

    public TlsLayerOptions ClientOptions { get; }

    /// <summary>The server's options with <paramref name="engine"/>.</summary>
    public TlsLayerOptions ServerOptionsFor(TlsEngine engine) => ServerOptions with { Engine = engine };

    /// <summary>The client's options with <paramref name="engine"/>.</summary>
    public TlsLayerOptions ClientOptionsFor(TlsEngine engine) => ClientOptions with { Engine = engine };
}
