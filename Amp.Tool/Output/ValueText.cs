using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using Amp.Arguments;
using Amp.Tool.Values;

namespace Amp.Tool.Output;

/// <summary>
/// Values as one line of text: UTF-8 printed as it is, everything else escaped (<c>\n</c>, <c>\t</c>,
/// <c>\\</c>, <c>\xNN</c> for a byte that is not UTF-8 or a control character, <c>\u{NNNN}</c> for an
/// invisible character); quoted when empty or when spaces begin or end it. Nothing a peer sends reaches
/// the terminal raw.
/// </summary>
internal static class ValueText
{
    /// <summary>A decoded value (see <see cref="WireType.Decode"/>) as text; lists and boxes as compact JSON.</summary>
    public static string Format(object value) => value switch
    {
        byte[] bytes => Escape(bytes),
        string text => Escape(Encoding.UTF8.GetBytes(text)),
        BigInteger integer => integer.ToString(CultureInfo.InvariantCulture),
        double number => PythonRepr(number),
        bool flag => flag ? "True" : "False",
        AmpDecimal or AmpDateTime => value.ToString()!,
        _ => JsonValues.ToJson(value, indented: false),
    };

    /// <summary>A wire key (one character per byte) for printing.</summary>
    public static string Key(string wireKey) => Escape(Encoding.Latin1.GetBytes(wireKey));

    /// <summary>The key's bytes read as UTF-8 when they are, else escaped (for JSON property names).</summary>
    public static string KeyText(string wireKey)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(wireKey);
        return System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Escape(bytes);
    }

    /// <summary>Python's <c>repr</c> of a float, as Twisted writes it.</summary>
    public static string PythonRepr(double value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new DoubleArgument().Write(value, buffer);
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    /// <summary>Escapes bytes for a terminal (see the class summary).</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 2);
        bool quote = bytes.IsEmpty || bytes[0] is (byte)' ' or (byte)'"' || bytes[^1] == (byte)' ';
        if (quote)
        {
            text.Append('"');
        }

        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed) != OperationStatus.Done)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{bytes[0]:x2}");
                bytes = bytes[1..];
                continue;
            }

            Append(text, rune, quote);
            bytes = bytes[consumed..];
        }

        return quote ? text.Append('"').ToString() : text.ToString();
    }

    private static void Append(StringBuilder text, Rune rune, bool quoted)
    {
        switch (rune.Value)
        {
            case '\\':
                text.Append(@"\\");
                return;
            case '\n':
                text.Append(@"\n");
                return;
            case '\r':
                text.Append(@"\r");
                return;
            case '\t':
                text.Append(@"\t");
                return;
            case '"' when quoted:
                text.Append("\\\"");
                return;
        }

        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.Control)
        {
            text.Append(rune.Value < 0x80
                ? string.Create(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}")
                : string.Create(CultureInfo.InvariantCulture, $"\\u{{{rune.Value:x4}}}"));
        }
        else if (category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                 or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
        {
            text.Append(CultureInfo.InvariantCulture, $"\\u{{{rune.Value:x4}}}");
        }
        else
        {
            text.Append(rune.ToString());
        }
    }
}
