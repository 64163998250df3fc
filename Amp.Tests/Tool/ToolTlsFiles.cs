using Amp.Tests.Tls;
using Amp.Tls;

namespace Amp.Tests.Tool;

/// <summary>PEM files of the test CA (and of another CA), the test server's and client's certificates, written once per test run for the tool's flags.</summary>
internal static class ToolTlsFiles
{
    private static readonly Lazy<string> s_folder = new(Write);

    public static string Ca => Path("ca.pem");

    public static string OtherCa => Path("other-ca.pem");

    public static string ClientCertificate => Path("client.pem");

    public static string ClientKey => Path("client.key");

    public static string ServerCertificate => Path("server.pem");

    public static string ServerKey => Path("server.key");

    private static string Path(string name) => System.IO.Path.Combine(s_folder.Value, name);

    private static string Write()
    {
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"amp-tool-tls-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(System.IO.Path.Combine(folder, "ca.pem"), TestCertificates.Authority.ExportCertificatePem());
        File.WriteAllText(System.IO.Path.Combine(folder, "other-ca.pem"), TestCertificates.OtherAuthority.ExportCertificatePem());
        DevelopmentCertificates.ExportPem(TestCertificates.Client, System.IO.Path.Combine(folder, "client.pem"), System.IO.Path.Combine(folder, "client.key"));
        DevelopmentCertificates.ExportPem(TestCertificates.Server, System.IO.Path.Combine(folder, "server.pem"), System.IO.Path.Combine(folder, "server.key"));
        return folder;
    }
}
