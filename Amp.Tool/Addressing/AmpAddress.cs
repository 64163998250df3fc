using System.Globalization;
using System.Net;
using Amp.Transports;

namespace Amp.Tool.Addressing;

/// <summary>Where to connect or listen: <c>HOST:PORT</c>, <c>[IPv6]:PORT</c>, or <c>unix:/path</c> for a Unix socket.</summary>
internal sealed record AmpAddress(string? Host, int Port, string? UnixPath)
{
    private const string UnixPrefix = "unix:";

    public bool IsUnix => UnixPath is not null;

    /// <summary>Parses an address to connect to: <c>HOST:PORT</c>, <c>[::1]:PORT</c> or <c>unix:/path</c>.</summary>
    /// <exception cref="ToolException">The text is not such an address.</exception>
    public static AmpAddress ParseConnect(string text)
    {
        if (TryParseUnix(text) is { } unix)
        {
            return unix;
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw ToolException.Usage($"'{text}' is not an address: give HOST:PORT (such as 127.0.0.1:5000 or [::1]:5000) or unix:/path/to/socket");
        }

        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw ToolException.Usage($"'{text}': write an IPv6 address in brackets, as [::1]:5000");
        }

        return new AmpAddress(host, ParsePort(text[(colon + 1)..], text, allowZero: false), null);
    }

    /// <summary>Parses an address to listen on: <c>PORT</c> (on 127.0.0.1), <c>HOST:PORT</c> or <c>unix:/path</c>; port 0 picks a free one.</summary>
    /// <exception cref="ToolException">The text is not such an address.</exception>
    public static AmpAddress ParseListen(string text)
    {
        if (TryParseUnix(text) is { } unix)
        {
            return unix;
        }

        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return new AmpAddress("127.0.0.1", ParsePort(text, text, allowZero: true), null);
        }

        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            throw ToolException.Usage($"'{text}': listen on an IP address (such as 127.0.0.1 or 0.0.0.0), not '{host}'");
        }

        return new AmpAddress(host, ParsePort(text[(colon + 1)..], text, allowZero: true), null);
    }

    /// <summary>The IP address to listen on.</summary>
    public IPAddress ListenAddress => Host is null or "localhost" ? IPAddress.Loopback : IPAddress.Parse(Host);

    /// <summary>Connects; socket failures surface as <see cref="System.Net.Sockets.SocketException"/>.</summary>
    public async Task<AmpTransport> ConnectAsync(CancellationToken cancellationToken) =>
        UnixPath is { } path
            ? await SocketTransport.ConnectUnixAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await SocketTransport.ConnectTcpAsync(Host!, Port, cancellationToken: cancellationToken).ConfigureAwait(false);

    public override string ToString() =>
        UnixPath is { } path ? UnixPrefix + path
        : Host!.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}"
        : $"{Host}:{Port}";

    private static AmpAddress? TryParseUnix(string text)
    {
        if (!text.StartsWith(UnixPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        string path = text[UnixPrefix.Length..];
        return path.Length == 0
            ? throw ToolException.Usage("unix: needs a socket path, as unix:/tmp/amp.sock")
            : new AmpAddress(null, 0, path);
    }

    private static int ParsePort(string port, string whole, bool allowZero)
    {
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > 65535 || number == 0 && !allowZero)
        {
            throw ToolException.Usage($"'{whole}': the port must be a number from {(allowZero ? 0 : 1)} to 65535");
        }

        return number;
    }
}
