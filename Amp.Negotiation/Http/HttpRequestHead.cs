using System.Text;

namespace Amp.Negotiation.Http;

/// <summary>
/// A parsed request head: the request line and the few headers the negotiation looks at (spec/amp-wire.md §16.2).
/// Other headers are checked for syntax and otherwise ignored.
/// </summary>
internal sealed class HttpRequestHead
{
    private HttpRequestHead(string method, string target, string version)
    {
        Method = method;
        Target = target;
        Version = version;
    }

    public string Method { get; }

    /// <summary>The request-target as sent (for a negotiation, the path <c>/amp/&lt;target&gt;</c>).</summary>
    public string Target { get; }

    /// <summary>The version as sent, such as <c>HTTP/1.1</c>.</summary>
    public string Version { get; }

    public int HostCount { get; private set; }

    /// <summary>Whether a <c>Connection</c> header lists <c>Upgrade</c>.</summary>
    public bool ConnectionUpgrade { get; private set; }

    /// <summary>Whether an <c>Upgrade</c> header lists <c>amp/1</c>.</summary>
    public bool UpgradeToAmp { get; private set; }

    /// <summary>Whether the request announces a body (<c>Transfer-Encoding</c>, or a <c>Content-Length</c> other than 0).</summary>
    public bool HasBody { get; private set; }

    /// <summary>Whether the request asks to switch to AMP: <c>Connection: Upgrade</c> and <c>Upgrade: amp/1</c>.</summary>
    public bool IsAmpUpgrade => ConnectionUpgrade && UpgradeToAmp;

    /// <summary>Parses a complete head (its empty line included).</summary>
    /// <exception cref="FormatException">Not an HTTP/1.x request head; the message says what is wrong.</exception>
    public static HttpRequestHead Parse(ReadOnlySpan<byte> head)
    {
        var lines = new HeadLines(head);
        if (!lines.MoveNext())
        {
            throw new FormatException("the request line is empty");
        }

        HttpRequestHead request = ParseRequestLine(lines.Current);
        while (lines.MoveNext())
        {
            HttpSyntax.SplitField(lines.Current, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value);
            if (Ascii.EqualsIgnoreCase(name, "Host"u8))
            {
                request.HostCount++;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                request.ConnectionUpgrade |= HttpSyntax.ListHas(value, "Upgrade"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
            {
                request.UpgradeToAmp |= HttpSyntax.ListHas(value, "amp/1"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                request.HasBody = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                request.HasBody |= !value.SequenceEqual("0"u8);
            }
        }

        return request;
    }

    private static HttpRequestHead ParseRequestLine(ReadOnlySpan<byte> line)
    {
        int first = line.IndexOf((byte)' ');
        int last = line.LastIndexOf((byte)' ');
        if (first <= 0 || last == first || !HttpSyntax.IsToken(line[..first]))
        {
            throw new FormatException("the request line is not 'method SP target SP version'");
        }

        ReadOnlySpan<byte> target = line[(first + 1)..last];
        foreach (byte b in target)
        {
            if (b is <= 0x20 or >= 0x7f)
            {
                throw new FormatException("the request target holds a space, a control character or a non-ASCII byte");
            }
        }

        ReadOnlySpan<byte> version = line[(last + 1)..];
        if (!IsHttpVersion(version))
        {
            throw new FormatException($"'{HttpSyntax.Quote(version)}' is not an HTTP version");
        }

        return new HttpRequestHead(HttpSyntax.Text(line[..first]), HttpSyntax.Text(target), HttpSyntax.Text(version));
    }

    /// <summary><c>HTTP/</c> DIGIT <c>.</c> DIGIT (RFC 9112 §2.3).</summary>
    internal static bool IsHttpVersion(ReadOnlySpan<byte> version) =>
        version.Length == 8 && version.StartsWith("HTTP/"u8) && char.IsAsciiDigit((char)version[5]) && version[6] == (byte)'.' && char.IsAsciiDigit((char)version[7]);
}
