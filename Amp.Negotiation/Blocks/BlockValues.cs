using System.Globalization;
using System.Text;

namespace Amp.Negotiation.Blocks;

/// <summary>The value grammars of the Hello and Decision blocks (spec/amp-wire.md §16.5, §16.6).</summary>
internal static class BlockValues
{
    /// <summary>The extension names, in the order they are written: Amp.Core's (spec §15.1).</summary>
    internal static (AmpExtensions Extension, string Name)[] ExtensionNames => Amp.Extensions.ExtensionNegotiation.WireNames;

    /// <summary>The names of <paramref name="extensions"/>, space-separated, in order; empty for none.</summary>
    public static string Extensions(AmpExtensions extensions)
    {
        var names = new StringBuilder();
        foreach ((AmpExtensions extension, string name) in ExtensionNames)
        {
            if ((extensions & extension) != 0)
            {
                names.Append(names.Length == 0 ? "" : " ").Append(name);
            }
        }

        return names.ToString();
    }

    /// <summary>The known extensions among space-separated names; unknown names are ignored.</summary>
    /// <param name="value">The value, or <see langword="null"/> (none).</param>
    /// <param name="unknown">Whether a name was not one this side knows.</param>
    /// <exception cref="FormatException">A name is longer than 64 characters or not visible ASCII.</exception>
    public static AmpExtensions ParseExtensions(string? value, out bool unknown)
    {
        unknown = false;
        AmpExtensions result = AmpExtensions.None;
        if (value is null)
        {
            return result;
        }

        foreach (string name in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (name.Length > 64 || !Ascii.IsValid(name))
            {
                throw new FormatException($"'{name}' is not an extension name");
            }

            AmpExtensions known = AmpExtensions.None;
            foreach ((AmpExtensions extension, string wire) in ExtensionNames)
            {
                known |= name == wire ? extension : AmpExtensions.None;
            }

            unknown |= known == AmpExtensions.None;
            result |= known;
        }

        return result;
    }

    /// <summary>A version: decimal 1 to 2147483647 without sign or leading zero.</summary>
    /// <exception cref="FormatException">Not one.</exception>
    public static int ParseVersion(string text, string key)
    {
        if (text.Length is 0 or > 10 || text[0] == '0' || !text.AsSpan().ContainsOnlyDigits()
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
        {
            throw new FormatException($"{key} holds '{text}', not a version (a decimal number from 1, without leading zeros)");
        }

        return version;
    }

    /// <summary><c>Versions: &lt;min&gt; &lt;max&gt;</c>.</summary>
    /// <exception cref="FormatException">Not two versions with min ≤ max.</exception>
    public static (int Min, int Max) ParseVersions(string? text)
    {
        string[] parts = (text ?? throw new FormatException("the Hello block has no Versions")).Split(' ');
        if (parts.Length != 2)
        {
            throw new FormatException($"Versions holds '{text}', not '<min> <max>'");
        }

        int min = ParseVersion(parts[0], "Versions");
        int max = ParseVersion(parts[1], "Versions");
        return min <= max ? (min, max) : throw new FormatException($"Versions holds '{text}': the minimum is above the maximum");
    }

    /// <summary>A connection id: 32 lower-case hexadecimal digits.</summary>
    public static bool IsConnectionId(string? text) => text is { Length: 32 } && IsLowerHex(text);

    /// <summary>An incarnation: 1 to 64 of A-Z a-z 0-9.</summary>
    public static bool IsIncarnation(string? text) => text is { Length: > 0 and <= 64 } && text.AsSpan().ContainsOnlyLettersOrDigitsAscii();

    private static bool IsLowerHex(string text)
    {
        foreach (char c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('0', '9');

    private static bool ContainsOnlyLettersOrDigitsAscii(this ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
