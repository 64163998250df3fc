using System.Text;

namespace Amp.Negotiation.Http;

/// <summary>The pieces of HTTP/1.1 syntax (RFC 9110, RFC 9112) the negotiation's strict parser needs.</summary>
internal static class HttpSyntax
{
    /// <summary>A token character (RFC 9110 §5.6.2).</summary>
    public static bool IsTokenChar(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
            or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';

    public static bool IsToken(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return false;
        }

        foreach (byte b in bytes)
        {
            if (!IsTokenChar(b))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A field-value byte: visible ASCII, space, tab, or obs-text (0x80-0xFF).</summary>
    public static bool IsFieldValueByte(byte b) => b is (byte)'\t' or >= 0x20 and not 0x7f;

    /// <summary>Splits <c>name ":" OWS value OWS</c>.</summary>
    /// <exception cref="FormatException">Not a field line: no colon, a bad name (a space before the colon included), a folded line or a control character.</exception>
    public static void SplitField(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        int colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            throw new FormatException("a header line has no colon");
        }

        name = line[..colon];
        if (!IsToken(name))
        {
            throw new FormatException("a header name is empty or holds a character a token cannot (a space before the colon, or a folded line)");
        }

        value = line[(colon + 1)..].Trim(" \t"u8);
        foreach (byte b in value)
        {
            if (!IsFieldValueByte(b))
            {
                throw new FormatException($"header {Text(name)} holds a control character");
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> (a comma-separated list) holds <paramref name="token"/>, any case.</summary>
    public static bool ListHas(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (Range range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Bytes as text, each byte one character (Latin-1): header values are ASCII in practice.</summary>
    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>A header value for an error message: at most 64 characters, control characters replaced.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(Math.Min(bytes.Length, 64) + 2);
        foreach (byte b in bytes[..Math.Min(bytes.Length, 64)])
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        }

        return bytes.Length > 64 ? text.Append("...").ToString() : text.ToString();
    }
}
