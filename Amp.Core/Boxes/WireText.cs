using System.Text;

namespace Amp.Boxes;

/// <summary>Formats wire bytes for messages and logs.</summary>
internal static class WireText
{
    /// <summary>Printable ASCII as text in quotes, anything else as hex.</summary>
    public static string Describe(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return "0x" + Convert.ToHexString(bytes);
            }
        }

        return "\"" + Encoding.ASCII.GetString(bytes) + "\"";
    }

    /// <summary>Python's bytes repr, as Twisted puts it in <c>Unhandled Command: b'name'</c>.</summary>
    public static string PythonBytesRepr(ReadOnlySpan<byte> bytes)
    {
        bool hasSingle = bytes.Contains((byte)'\'');
        bool hasDouble = bytes.Contains((byte)'"');
        char quote = hasSingle && !hasDouble ? '"' : '\'';
        var text = new StringBuilder("b").Append(quote);
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                default:
                    if (b == quote)
                    {
                        text.Append('\\').Append(quote);
                    }
                    else if (b is < 0x20 or >= 0x7F)
                    {
                        text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append((char)b);
                    }

                    break;
            }
        }

        return text.Append(quote).ToString();
    }
}
