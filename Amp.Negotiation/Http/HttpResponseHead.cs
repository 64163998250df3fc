using System.Buffers.Text;
using System.Text;

namespace Amp.Negotiation.Http;

/// <summary>A parsed answer head: the status line and the headers the connecting side looks at (spec/amp-wire.md §16.3).</summary>
internal sealed class HttpResponseHead
{
    private HttpResponseHead(int statusCode, string reason)
    {
        StatusCode = statusCode;
        Reason = reason;
    }

    public int StatusCode { get; }

    public string Reason { get; }

    /// <summary>Whether an <c>Upgrade</c> header lists <c>amp/1</c>.</summary>
    public bool UpgradeToAmp { get; private set; }

    /// <summary>The <c>Location</c> header (the last one), or <see langword="null"/>.</summary>
    public string? Location { get; private set; }

    /// <summary>The <c>Content-Length</c>, or -1 when absent or not a plain decimal number.</summary>
    public long ContentLength { get; private set; } = -1;

    /// <summary>Parses a complete head (its empty line included).</summary>
    /// <exception cref="FormatException">Not an HTTP/1.x answer head; the message says what is wrong.</exception>
    public static HttpResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var lines = new HeadLines(head);
        if (!lines.MoveNext())
        {
            throw new FormatException("the status line is empty");
        }

        HttpResponseHead response = ParseStatusLine(lines.Current);
        while (lines.MoveNext())
        {
            HttpSyntax.SplitField(lines.Current, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value);
            if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
            {
                response.UpgradeToAmp |= HttpSyntax.ListHas(value, "amp/1"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Location"u8))
            {
                response.Location = HttpSyntax.Text(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                response.ContentLength = Utf8Parser.TryParse(value, out long length, out int used) && used == value.Length && length >= 0 ? length : -1;
            }
        }

        return response;
    }

    private static HttpResponseHead ParseStatusLine(ReadOnlySpan<byte> line)
    {
        // HTTP-version SP 3DIGIT SP reason-phrase (RFC 9112 §4); the reason may be empty, its space may not be missing.
        if (line.Length < 13 || !HttpRequestHead.IsHttpVersion(line[..8]) || line[5] != (byte)'1' || line[8] != (byte)' ' || line[12] != (byte)' '
            || !char.IsAsciiDigit((char)line[9]) || !char.IsAsciiDigit((char)line[10]) || !char.IsAsciiDigit((char)line[11]) || line[9] == (byte)'0')
        {
            throw new FormatException($"'{HttpSyntax.Quote(line)}' is not an HTTP/1.x status line");
        }

        ReadOnlySpan<byte> reason = line[13..];
        foreach (byte b in reason)
        {
            if (!HttpSyntax.IsFieldValueByte(b))
            {
                throw new FormatException("the reason phrase holds a control character");
            }
        }

        int status = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');
        return new HttpResponseHead(status, HttpSyntax.Text(reason));
    }
}
