using System.Globalization;

namespace Amp.Negotiation;

/// <summary>Where a negotiation goes: a host, a TCP port and a target id (the <c>Location</c> of a redirect names one too).</summary>
public sealed record NegotiationAddress
{
    /// <summary>Creates an address.</summary>
    /// <param name="host">A host name or an IP address literal (IPv6 without brackets).</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="target">The target id (see <see cref="NegotiationProtocol.IsValidId"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty or holds a character a URL host cannot, or <paramref name="target"/> is not a valid id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not 1-65535.</exception>
    public NegotiationAddress(string host, int port, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        foreach (char c in host)
        {
            if (c <= ' ' || c >= 0x7f || c is '/' or '?' or '#' or '@' or '[' or ']' or '\\')
            {
                throw new ArgumentException($"'{host}' is not a host name or an IP address.", nameof(host));
            }
        }

        if (!NegotiationProtocol.IsValidId(target))
        {
            throw new ArgumentException($"'{target}' is not a valid target id.", nameof(target));
        }

        Host = host;
        Port = port;
        Target = target;
    }

    /// <summary>The host name or IP address.</summary>
    public string Host { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>The target id.</summary>
    public string Target { get; }

    /// <summary>The value of the <c>Host</c> header for this address: <c>host:port</c>, an IPv6 address in brackets.</summary>
    public string Authority => (Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The address as a URL, as a redirect's <c>Location</c> carries it: <c>http://host:port/amp/target</c>.</summary>
    /// <returns>The URL.</returns>
    public override string ToString() => "http://" + Authority + NegotiationProtocol.PathPrefix + Target;
}
