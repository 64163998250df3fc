using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Amp.Hosting;

/// <summary>A parsed <see cref="AmpListenerOptions.Endpoint"/>: a TCP address and port, or a Unix domain socket path.</summary>
internal sealed class ListenerEndpoint
{
    public const string Expected = "expected tcp://HOST:PORT (HOST an IP address, [IPv6], localhost or *; PORT 0-65535) or unix:PATH";

    private ListenerEndpoint(IPEndPoint? tcp, string? unixPath)
    {
        Tcp = tcp;
        UnixPath = unixPath;
    }

    public IPEndPoint? Tcp { get; }

    public string? UnixPath { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenerEndpoint? endpoint, [NotNullWhen(false)] out string? problem)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is missing; " + Expected;
            return false;
        }

        if (text.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            string path = text["unix:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = path[2..];
            }

            if (path.Length == 0)
            {
                problem = $"'{text}' names no socket path; {Expected}";
                return false;
            }

            endpoint = new ListenerEndpoint(null, path);
            problem = null;
            return true;
        }

        if (!text.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"'{text}' is not an endpoint; {Expected}";
            return false;
        }

        string hostAndPort = text["tcp://".Length..].TrimEnd('/');
        int colon = hostAndPort.LastIndexOf(':');
        if (colon <= 0 || !TryParseHost(hostAndPort[..colon], out IPAddress? address)
            || !int.TryParse(hostAndPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > IPEndPoint.MaxPort)
        {
            problem = $"'{text}' is not an endpoint; {Expected}";
            return false;
        }

        endpoint = new ListenerEndpoint(new IPEndPoint(address, port), null);
        problem = null;
        return true;
    }

    public override string ToString() => Tcp is { } tcp ? $"tcp://{tcp}" : $"unix:{UnixPath}";

    private static bool TryParseHost(string host, [NotNullWhen(true)] out IPAddress? address)
    {
        if (host == "*")
        {
            address = IPAddress.Any;
            return true;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
            return true;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return IPAddress.TryParse(host[1..^1], out address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        return IPAddress.TryParse(host, out address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            && host.Count(c => c == '.') == 3;
    }
}
