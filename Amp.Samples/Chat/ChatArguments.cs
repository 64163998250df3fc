using System.Globalization;

namespace Amp.Samples.Chat;

/// <summary>The flags of the chat subcommands.</summary>
internal sealed class ChatArguments
{
    public const string Usage = """
          --port N          TCP port on 127.0.0.1 (default 5001)
          --name NAME       (chat-client) the nickname to join with
          --cert-dir DIR    where the development CA and certificates are created on first run and reused
                            after (default: <temp>/amp-chat-dev-ca)
          --cert FILE       use this PEM certificate instead of a development one (with --key)
          --key FILE        the PEM private key of --cert
          --ca FILE         trust this PEM certificate authority instead of the development one
          --help            show this help
        """;

    public int Port { get; private set; } = 5001;

    public string? Name { get; private set; }

    public string CertificateDirectory { get; private set; } = Path.Combine(Path.GetTempPath(), "amp-chat-dev-ca");

    public string? CertificateFile { get; private set; }

    public string? KeyFile { get; private set; }

    public string? AuthorityFile { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses <paramref name="args"/> (after the subcommand); returns null and prints why when they are wrong.</summary>
    public static ChatArguments? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var parsed = new ChatArguments();
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            if (flag is "--help" or "-h")
            {
                parsed.Help = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error.WriteLine($"{flag}: unknown flag or missing value (see --help)");
                return null;
            }

            string value = args[++i];
            switch (flag)
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
                    {
                        error.WriteLine($"--port: '{value}' is not a port number");
                        return null;
                    }

                    parsed.Port = port;
                    break;
                case "--name":
                    parsed.Name = value;
                    break;
                case "--cert-dir":
                    parsed.CertificateDirectory = Path.GetFullPath(value);
                    break;
                case "--cert":
                    parsed.CertificateFile = value;
                    break;
                case "--key":
                    parsed.KeyFile = value;
                    break;
                case "--ca":
                    parsed.AuthorityFile = value;
                    break;
                default:
                    error.WriteLine($"{flag}: unknown flag (see --help)");
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
}
