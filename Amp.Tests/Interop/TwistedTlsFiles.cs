using System.Security.Cryptography.X509Certificates;
using Amp.Tests.Tls;
using Amp.Tls;

namespace Amp.Tests.Interop;

/// <summary>PEM files of the test CA and certificates for the Twisted peer, written once per test run.</summary>
internal static class TwistedTlsFiles
{
    private static readonly Lazy<string> s_folder = new(Write);

    public static X509Certificate2 TwistedCertificate { get; } = DevelopmentCertificates.Issue(TestCertificates.Authority, "twisted-peer");

    /// <summary>Arguments giving the Twisted peer its certificate and trusting our test CA.</summary>
    public static string[] Trusting => ["--tls-cert", Path("twisted.pem"), "--tls-key", Path("twisted.key"), "--tls-ca", Path("ca.pem")];

    /// <summary>Arguments giving the Twisted peer its certificate but trusting only another CA.</summary>
    public static string[] TrustingOtherCa => ["--tls-cert", Path("twisted.pem"), "--tls-key", Path("twisted.key"), "--tls-ca", Path("other-ca.pem")];

    private static string Path(string name) => System.IO.Path.Combine(s_folder.Value, name);

    private static string Write()
    {
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"amp-twisted-tls-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(System.IO.Path.Combine(folder, "ca.pem"), TestCertificates.Authority.ExportCertificatePem());
        File.WriteAllText(System.IO.Path.Combine(folder, "other-ca.pem"), TestCertificates.OtherAuthority.ExportCertificatePem());
        DevelopmentCertificates.ExportPem(TwistedCertificate, System.IO.Path.Combine(folder, "twisted.pem"), System.IO.Path.Combine(folder, "twisted.key"));
        return folder;
    }
}
