using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amp.Tls;

namespace Amp.Tool.Cli;

/// <summary>The TLS flags of <c>amp call</c> and <c>amp listen</c>, and the <see cref="TlsLayerOptions"/> they make.</summary>
internal sealed class TlsFlags
{
    private readonly bool _server;

    public TlsFlags(bool server)
    {
        _server = server;
        Tls = new Option<bool>("--tls") { Description = server ? "answer StartTLS (without it StartTLS gets TLS_ERROR, as from a Twisted without TLS)" : "call StartTLS first; the server's certificate is verified" };
        Ca = new Option<string?>("--ca") { Description = server ? "require a client certificate from the authorities in this PEM file" : "trust only the authorities in this PEM file for the server's certificate (default: the system's roots)", HelpName = "FILE" };
        Certificate = new Option<string?>("--cert") { Description = server ? "this server's PEM certificate (default: a temporary self-signed one, as Twisted makes)" : "present this PEM client certificate", HelpName = "FILE" };
        Key = new Option<string?>("--key") { Description = "the PEM private key of --cert, if not in the same file", HelpName = "FILE" };
        Insecure = new Option<bool>("--insecure") { Description = "INSECURE: accept any server certificate, unverified (prints a warning)" };
        ServerName = new Option<string?>("--server-name") { Description = "the name the server's certificate must carry (default: the host, unless --ca pins a private authority)", HelpName = "NAME" };
    }

    public Option<bool> Tls { get; }

    public Option<string?> Ca { get; }

    public Option<string?> Certificate { get; }

    public Option<string?> Key { get; }

    public Option<bool> Insecure { get; }

    public Option<string?> ServerName { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Tls);
        command.Options.Add(Ca);
        command.Options.Add(Certificate);
        command.Options.Add(Key);
        if (!_server)
        {
            command.Options.Add(Insecure);
            command.Options.Add(ServerName);
        }
    }

    /// <summary>The TLS settings the flags ask for, or <see langword="null"/> without TLS.</summary>
    /// <param name="result">The parsed command line.</param>
    /// <param name="host">The host connected to (a client's default server name), or <see langword="null"/>.</param>
    /// <param name="warnings">Where warnings go (<c>--insecure</c>, a temporary certificate).</param>
    /// <exception cref="ToolException">Contradictory flags, or a certificate file that cannot be read.</exception>
    public TlsLayerOptions? Build(ParseResult result, string? host, TextWriter warnings)
    {
        string? ca = result.GetValue(Ca);
        string? certificate = result.GetValue(Certificate);
        string? key = result.GetValue(Key);
        bool insecure = !_server && result.GetValue(Insecure);
        string? serverName = _server ? null : result.GetValue(ServerName);
        if (!result.GetValue(Tls) && ca is null && certificate is null && !insecure)
        {
            return key is null && serverName is null ? null : throw ToolException.Usage("--key and --server-name go with --tls");
        }

        if (key is not null && certificate is null)
        {
            throw ToolException.Usage("--key needs --cert");
        }

        if (insecure && ca is not null)
        {
            throw ToolException.Usage("--insecure and --ca contradict each other: --ca verifies the server against an authority, --insecure does not verify it");
        }

        X509Certificate2? local = certificate is null ? null : Load(() => DevelopmentCertificates.LoadPem(certificate, key), "--cert", certificate);
        X509Certificate2Collection authorities = ca is null ? [] : Load(() => Authorities(ca), "--ca", ca);
        if (_server)
        {
            if (local is null)
            {
                X509Certificate2 temporary = DevelopmentCertificates.CreateAuthority("amp listen (temporary)");
                local = DevelopmentCertificates.Issue(temporary, "amp listen (temporary)");
                warnings.WriteLine("amp: note: no --cert: answering StartTLS with a temporary certificate; clients must use --insecure or trust nothing");
            }

            return new TlsLayerOptions { LocalCertificate = local, TrustedAuthorities = authorities, RequireClientCertificate = authorities.Count > 0 };
        }

        if (insecure)
        {
            warnings.WriteLine("amp: WARNING: --insecure: the server's certificate is not verified; anyone on the path can read and change this connection");
        }

        return new TlsLayerOptions
        {
            LocalCertificate = local,
            TrustedAuthorities = authorities,
            AllowAnyPeerCertificate = insecure,
            TargetHost = serverName ?? (authorities.Count == 0 ? host : null),
        };
    }

    private static X509Certificate2Collection Authorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        return authorities.Count > 0 ? authorities : throw new CryptographicException("no certificate in it");
    }

    private static T Load<T>(Func<T> load, string flag, string path)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw ToolException.Usage($"{flag} {path}: cannot load it: {e.Message}");
        }
    }
}
