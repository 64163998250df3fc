using System.Security.Cryptography.X509Certificates;
using Amp.Tls;

namespace Amp.Tests.Tls;

/// <summary>A test CA with server and client certificates, another CA that signed nothing we trust, and an expired certificate.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> s_authority = new(() => DevelopmentCertificates.CreateAuthority("Amp Test CA", notBefore: DateTimeOffset.UtcNow.AddDays(-30)));
    private static readonly Lazy<X509Certificate2> s_otherAuthority = new(() => DevelopmentCertificates.CreateAuthority("Some Other CA"));
    private static readonly Lazy<X509Certificate2> s_server = new(() => DevelopmentCertificates.Issue(Authority, "amp-server"));
    private static readonly Lazy<X509Certificate2> s_client = new(() => DevelopmentCertificates.Issue(Authority, "amp-client"));
    private static readonly Lazy<X509Certificate2> s_stranger = new(() => DevelopmentCertificates.Issue(OtherAuthority, "stranger"));
    private static readonly Lazy<X509Certificate2> s_expired = new(() => DevelopmentCertificates.Issue(
        Authority, "expired", notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1)));

    public static X509Certificate2 Authority => s_authority.Value;

    public static X509Certificate2 OtherAuthority => s_otherAuthority.Value;

    public static X509Certificate2 Server => s_server.Value;

    public static X509Certificate2 Client => s_client.Value;

    public static X509Certificate2 Stranger => s_stranger.Value;

    public static X509Certificate2 Expired => s_expired.Value;

    public static TlsLayerOptions ServerOptions(X509Certificate2? certificate = null, TlsRole role = TlsRole.Automatic, TlsEngine engine = TlsEngine.SslStream) => new()
    {
        LocalCertificate = certificate ?? Server,
        TrustedAuthorities = [Authority],
        RequireClientCertificate = true,
        Role = role,
        Engine = engine,
    };

    public static TlsLayerOptions ClientOptions(X509Certificate2? trust = null, string? host = "localhost", TlsRole role = TlsRole.Automatic, TlsEngine engine = TlsEngine.SslStream) => new()
    {
        LocalCertificate = Client,
        TrustedAuthorities = [trust ?? Authority],
        TargetHost = host,
        Role = role,
        Engine = engine,
    };
}
