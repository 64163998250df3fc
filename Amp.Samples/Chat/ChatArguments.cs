using System.Globalization;
using System.Net;
using Amp.Negotiation;

namespace Amp.Samples.Chat;

/// <summary>The flags of the chat subcommands.</summary>
internal sealed class ChatArguments
{
    public const string Usage = """
          --name NAME              chat-client: the nickname to join with (required)
                                   chat-server: join your own chat as NAME and type into it (two peers
                                   directly: chat-server --name bob here, chat-client --name alice elsewhere)
          --host HOST              chat-client: the server to connect to; chat-server: the address to listen
                                   on (default 127.0.0.1)
          --port N                 the TCP port (default 5001)
          --cert-dir DIR           where the development CA and certificates are created on first run and reused
                                   after (default: ~/.local/share/Amp.NET/chat-dev-ca)
          --cert FILE              use this PEM certificate instead of a development one (with --key)
          --key FILE               the PEM private key of --cert
          --ca FILE                trust only this PEM certificate authority for the peer's certificate
          --server-name NAME       chat-client: the name the server's certificate must carry (default: --host,
                                   or localhost with the development certificates)
          --via URL                chat-client: dial a web port's connection negotiation at URL, as chat-host
                                   serves it (http://127.0.0.1:5080/amp/chat), instead of --host and --port;
                                   TLS starts in the negotiation, so no StartTLS
          --anonymous-clients      chat-server: let clients in without a certificate (by default each client
                                   needs one from the CA: the development CA issues one for every client)
          --join-timeout SECONDS   chat-server: close connections that have not joined in time (default 30)
          --max-connections N      chat-server: close new connections at once while N are open (default 1000)
          --idle-timeout SECONDS   chat-server: close connections silent that long (default 600; clients ping
                                   every 60 s)
          --help                   show this help
        """;

    public string? Name { get; private set; }

    public string Host { get; private set; } = "127.0.0.1";

    public int Port { get; private set; } = 5001;

    public string CertificateDirectory { get; private set; } = DefaultCertificateDirectory;

    public string? CertificateFile { get; private set; }

    public string? KeyFile { get; private set; }

    public string? AuthorityFile { get; private set; }

    public string? ServerName { get; private set; }

    /// <summary>Where <c>--via</c> points: a web port's negotiation and its target.</summary>
    public NegotiationAddress? Via { get; private set; }

    public bool AnonymousClients { get; private set; }

    public TimeSpan JoinTimeout { get; private set; } = TimeSpan.FromSeconds(30);

    public int MaxConnections { get; private set; } = 1000;

    public TimeSpan IdleTimeout { get; private set; } = TimeSpan.FromMinutes(10);

    public bool Help { get; private set; }

    /// <summary>True when <c>--cert</c> or <c>--ca</c> name real certificate files.</summary>
    public bool UsesCertificateFiles => CertificateFile is not null || AuthorityFile is not null;

    /// <summary>The address a server listens on.</summary>
    /// <exception cref="ArgumentException"><c>--host</c> is neither an IP address nor localhost.</exception>
    public IPAddress ListenAddress =>
        Host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(Host, out IPAddress? address) ? address
        : throw new ArgumentException($"--host: a server listens on an IP address (such as 127.0.0.1 or 0.0.0.0), not '{Host}'");

    /// <summary>The development CA's folder in the user's own data directory (not a shared temporary one, whose CA anyone could plant).</summary>
    public static string DefaultCertificateDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "Amp.NET", "chat-dev-ca");

    /// <summary>Parses <paramref name="args"/> (after the subcommand); returns null and prints why when they are wrong.</summary>
    public static ChatArguments? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var parsed = new ChatArguments();
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            switch (flag)
            {
                case "--help" or "-h":
                    parsed.Help = true;
                    continue;
                case "--anonymous-clients":
                    parsed.AnonymousClients = true;
                    continue;
            }

            if (i + 1 >= args.Count)
            {
                error.WriteLine($"{flag}: unknown flag or missing value (see --help)");
                return null;
            }

            string value = args[++i];
            string? problem = parsed.Set(flag, value);
            if (problem is not null)
            {
                error.WriteLine(problem);
                return null;
            }
        }

        if (parsed.KeyFile is not null && parsed.CertificateFile is null)
        {
            error.WriteLine("--key needs --cert");
            return null;
        }

        return parsed;
    }

    private string? Set(string flag, string value)
    {
        switch (flag)
        {
            case "--name":
                Name = value.Trim();
                return ChatText.NicknameProblem(Name) is { } problem ? $"--name: {problem}" : null;
            case "--host":
                Host = value;
                return null;
            case "--port":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                {
                    return $"--port: '{value}' is not a port number (1 to 65535)";
                }

                Port = port;
                return null;
            case "--cert-dir":
                CertificateDirectory = Path.GetFullPath(value);
                return null;
            case "--cert":
                CertificateFile = value;
                return null;
            case "--key":
                KeyFile = value;
                return null;
            case "--ca":
                AuthorityFile = value;
                return null;
            case "--server-name":
                ServerName = value;
                return null;
            case "--via":
                Via = ParseVia(value);
                return Via is null ? $"--via: '{value}' is not http://HOST:PORT/amp/TARGET" : null;
            case "--join-timeout":
                JoinTimeout = ParseSeconds(flag, value, out string? joinError);
                return joinError;
            case "--idle-timeout":
                IdleTimeout = ParseSeconds(flag, value, out string? idleError);
                return idleError;
            case "--max-connections":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int connections) || connections < 1)
                {
                    return $"--max-connections: '{value}' is not a number of connections (at least 1)";
                }

                MaxConnections = connections;
                return null;
            default:
                return $"{flag}: unknown flag (see --help)";
        }
    }

    private static NegotiationAddress? ParseVia(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? url) || url.Scheme != Uri.UriSchemeHttp || url.Query.Length > 0
            || !NegotiationProtocol.TryParseTargetPath(url.AbsolutePath, out string target))
        {
            return null;
        }

        string host = url.HostNameType == UriHostNameType.IPv6 ? url.Host.Trim('[', ']') : url.Host;
        return new NegotiationAddress(host, url.Port, target);
    }

    private static TimeSpan ParseSeconds(string flag, string value, out string? error)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0 && seconds < 86400))
        {
            error = $"{flag}: '{value}' is not a number of seconds (more than 0, less than a day)";
            return default;
        }

        error = null;
        return TimeSpan.FromSeconds(seconds);
    }
}
