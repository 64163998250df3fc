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

    private static readonly string[] Files = [AuthorityFile, "server.pem", "server.key", "client.pem", "client.key"];

    /// <summary>Which side's certificate to load.</summary>
    public enum Role
    {
        Server,
        Client,
    }

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

    /// <summary>True for the development certificates, whose server certificate names <c>localhost</c>.</summary>
    public bool IsDevelopment { get; private init; }

    /// <summary>Loads the certificates for <paramref name="role"/>.</summary>
    public static ChatCertificates Load(ChatArguments arguments, Role role, TextWriter log)
    {
        if (arguments.UsesCertificateFiles)
        {
            X509Certificate2? local = arguments.CertificateFile is null ? null
                : DevelopmentCertificates.LoadPem(arguments.CertificateFile, arguments.KeyFile);
            if (arguments.AuthorityFile is null)
            {
                throw new ArgumentException("--cert needs --ca (the authority that signed the peer's certificate)");
            }

            if (local is null && role == Role.Server)
            {
                throw new ArgumentException("the server needs --cert and --key with --ca");
            }

            return new ChatCertificates(local, DevelopmentCertificates.LoadAuthorityPem(arguments.AuthorityFile), $"files {arguments.CertificateFile ?? "(no certificate)"}, CA {arguments.AuthorityFile}");
        }

        string folder = EnsureDevelopment(arguments.CertificateDirectory, log);
        string name = role == Role.Server ? "server" : "client";
        return new ChatCertificates(
            DevelopmentCertificates.LoadPem(Path.Combine(folder, name + ".pem"), Path.Combine(folder, name + ".key")),
            DevelopmentCertificates.LoadAuthorityPem(Path.Combine(folder, AuthorityFile)),
            $"development CA in {folder}")
        {
            IsDevelopment = true,
        };
    }

    /// <summary>Creates the development CA and certificates in <paramref name="folder"/> unless valid ones are there.</summary>
    /// <exception cref="IOException"><paramref name="folder"/> holds something else than the development certificates.</exception>
    public static string EnsureDevelopment(string folder, TextWriter log)
    {
        if (IsComplete(folder))
        {
            return folder;
        }

        if (Directory.Exists(folder) && !HoldsOnlyDevelopmentFiles(folder))
        {
            throw new IOException($"{folder} holds other files than the development certificates; give --cert-dir an empty or new folder");
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
            Directory.Delete(folder, recursive: true);   // expired or half-made (only our files, checked above): replace it
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

    private static bool HoldsOnlyDevelopmentFiles(string folder) =>
        Directory.EnumerateDirectories(folder).FirstOrDefault() is null
        && Directory.EnumerateFiles(folder).All(path => Files.Contains(Path.GetFileName(path)));

    private static bool IsComplete(string folder)
    {
        if (!Files.All(f => File.Exists(Path.Combine(folder, f))))
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
