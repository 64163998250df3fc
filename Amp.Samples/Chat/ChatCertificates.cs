using System.Security.Cryptography.X509Certificates;
using Amp.Tls;

namespace Amp.Samples.Chat;

/// <summary>
/// The chat's certificates: a development CA with a server and a client certificate, created on first
/// run in a folder and reused after; or real PEM files given with <c>--cert</c>, <c>--key</c>, <c>--ca</c>.
/// </summary>
internal sealed class ChatCertificates
{
    private const string AuthorityFile = "ca.pem";

    private ChatCertificates(X509Certificate2? local, X509Certificate2 authority, string origin)
    {
        Local = local;
        Authority = authority;
        Origin = origin;
    }

    /// <summary>This side's certificate with its key (a client may have none).</summary>
    public X509Certificate2? Local { get; }

    /// <summary>The authority the peer's certificate must chain to.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>Where they came from, for the log.</summary>
    public string Origin { get; }

    /// <summary>Loads the certificates for <paramref name="role"/> (<c>server</c> or <c>client</c>).</summary>
    public static ChatCertificates Load(ChatArguments arguments, string role, TextWriter log)
    {
        if (arguments.AuthorityFile is not null || arguments.CertificateFile is not null)
        {
            X509Certificate2? local = arguments.CertificateFile is null ? null
                : DevelopmentCertificates.LoadPem(arguments.CertificateFile, arguments.KeyFile);
            if (arguments.AuthorityFile is null)
            {
                throw new ArgumentException("--cert needs --ca (the authority that signed the peer's certificate)");
            }

            if (local is null && role == "server")
            {
                throw new ArgumentException("the server needs --cert and --key with --ca");
            }

            return new ChatCertificates(local, DevelopmentCertificates.LoadAuthorityPem(arguments.AuthorityFile), $"files {arguments.CertificateFile ?? "(no certificate)"}, CA {arguments.AuthorityFile}");
        }

        string folder = EnsureDevelopment(arguments.CertificateDirectory, log);
        return new ChatCertificates(
            DevelopmentCertificates.LoadPem(Path.Combine(folder, role + ".pem"), Path.Combine(folder, role + ".key")),
            DevelopmentCertificates.LoadAuthorityPem(Path.Combine(folder, AuthorityFile)),
            $"development CA in {folder}");
    }

    /// <summary>Creates the development CA and certificates in <paramref name="folder"/> unless valid ones are there.</summary>
    public static string EnsureDevelopment(string folder, TextWriter log)
    {
        if (IsComplete(folder))
        {
            return folder;
        }

        // Build in a fresh folder and move it into place, so processes starting together never see half of it.
        string parent = Path.GetDirectoryName(Path.GetFullPath(folder))!;
        Directory.CreateDirectory(parent);
        string building = Path.Combine(parent, $".{Path.GetFileName(folder)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(building);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(building, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using (X509Certificate2 authority = DevelopmentCertificates.CreateAuthority("Amp.NET chat development CA"))
        {
            File.WriteAllText(Path.Combine(building, AuthorityFile), authority.ExportCertificatePem());
            using X509Certificate2 server = DevelopmentCertificates.Issue(authority, "chat-server", ["localhost"]);
            DevelopmentCertificates.ExportPem(server, Path.Combine(building, "server.pem"), Path.Combine(building, "server.key"));
            using X509Certificate2 client = DevelopmentCertificates.Issue(authority, "chat-client", ["localhost"]);
            DevelopmentCertificates.ExportPem(client, Path.Combine(building, "client.pem"), Path.Combine(building, "client.key"));
        }

        if (Directory.Exists(folder) && !IsComplete(folder))
        {
            Directory.Delete(folder, recursive: true);   // stale or half-made: replace it
        }

        try
        {
            Directory.Move(building, folder);
            log.WriteLine($"* created a development CA with server and client certificates in {folder}");
        }
        catch (IOException) when (IsComplete(folder))
        {
            Directory.Delete(building, recursive: true);   // another process made it first
        }

        return folder;
    }

    private static bool IsComplete(string folder)
    {
        string[] files = [AuthorityFile, "server.pem", "server.key", "client.pem", "client.key"];
        if (!files.All(f => File.Exists(Path.Combine(folder, f))))
        {
            return false;
        }

        try
        {
            using X509Certificate2 authority = DevelopmentCertificates.LoadAuthorityPem(Path.Combine(folder, AuthorityFile));
            using X509Certificate2 server = DevelopmentCertificates.LoadAuthorityPem(Path.Combine(folder, "server.pem"));
            DateTime soon = DateTime.Now.AddDays(1);
            return authority.NotAfter > soon && server.NotAfter > soon;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
