using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Amp.Arguments;

namespace Amp.Tool.Values;

/// <summary>A type whose value is one key's bytes: everything but lists and the big values.</summary>
internal sealed partial class ScalarType(string name, Func<ReadOnlySpan<byte>, byte[]> encode, Func<ReadOnlySpan<byte>, object> decode) : WireType
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ScalarType Bytes { get; } = new("bytes", input => input.ToArray(), value => value.ToArray());

    public static ScalarType Text { get; } = new("text", input => CheckUtf8(input).ToArray(), value => Utf8(value));

    private static readonly ScalarType[] s_all =
    [
        Bytes,
        new("hex", input => Hex(Utf8(input)), value => value.ToArray()),
        Text,
        new("int", input => WriteWith(BigIntegerArgument.Instance, new BigIntegerArgument().Read(input)), value => new BigIntegerArgument().Read(value)),
        new("float", input => WriteWith(new DoubleArgument(), new DoubleArgument().Read(input)), value => new DoubleArgument().Read(value)),
        new("bool", input => WriteWith(new BooleanArgument(), Boolean(Utf8(input))), value => new BooleanArgument().Read(value)),
        new("decimal", input => WriteWith(new DecimalArgument(), new DecimalArgument().Read(input)), value => new DecimalArgument().Read(value)),
        new("datetime", input => WriteWith(new AmpDateTimeArgument(), DateTime(Utf8(input))), value => new AmpDateTimeArgument().Read(value)),
        new("path", input => CheckUtf8(input).ToArray(), value => Utf8(value)),
    ];

    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.Ordinal)
    {
        ["string"] = "bytes", ["unicode"] = "text", ["integer"] = "int", ["boolean"] = "bool",
    };

    public override string Name => name;

    public static ScalarType? Find(string lowerName) =>
        Array.Find(s_all, type => type.Name == (s_aliases.TryGetValue(lowerName, out string? alias) ? alias : lowerName));

    public override byte[] Encode(ReadOnlySpan<byte> input)
    {
        try
        {
            return encode(input);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FormatException($"not a valid {name}: {e.Message}", e);
        }
    }

    public override object Decode(ReadOnlySpan<byte> value)
    {
        try
        {
            return decode(value);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FormatException($"not a valid {name}: {e.Message}", e);
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return s_strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("the bytes are not UTF-8");
        }
    }

    private static ReadOnlySpan<byte> CheckUtf8(ReadOnlySpan<byte> bytes)
    {
        _ = Utf8(bytes);
        return bytes;
    }

    private static byte[] Hex(string text)
    {
        string digits = HexSeparators().Replace(text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text, "");
        return digits.Length % 2 != 0 || !digits.All(char.IsAsciiHexDigit)
            ? throw new FormatException("give pairs of hexadecimal digits (spaces and colons between them are ignored)")
            : Convert.FromHexString(digits);
    }

    private static bool Boolean(string text) => text.Trim() switch
    {
        "True" or "true" or "1" or "yes" => true,
        "False" or "false" or "0" or "no" => false,
        _ => throw new FormatException($"'{text}': give True or False (or true, false, 1, 0, yes, no)"),
    };

    private static AmpDateTime DateTime(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length == 32)
        {
            // Twisted's own form, 2010-12-25T00:00:00.000000-00:00.
            return new AmpDateTimeArgument().Read(Encoding.ASCII.GetBytes(trimmed));
        }

        // AMP refuses a time without an offset (Twisted: "cannot serialize naive datetime"), so one is required.
        return OffsetAtEnd().IsMatch(trimmed) && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset parsed)
            ? parsed
            : throw new FormatException($"'{text}': give a time with an offset, such as 2010-12-25T00:00:00Z or 2010-12-25T01:30:00+01:00 (AMP has no time without one)");
    }

    [GeneratedRegex(@"[\s:]")]
    private static partial Regex HexSeparators();

    [GeneratedRegex(@"(Z|[+-]\d\d:?\d\d)$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetAtEnd();
}
