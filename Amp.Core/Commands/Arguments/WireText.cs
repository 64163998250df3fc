using System.Text;

namespace Amp.Arguments;

/// <summary>Shared helpers for the ASCII text forms Python reads and writes.</summary>
internal static class WireText
{
    /// <summary>CPython 3.11's limit on int/str conversion (<c>sys.get_int_max_str_digits()</c>).</summary>
    internal const int MaxIntegerDigits = 4300;

    /// <summary>The whitespace Python's <c>int(bytes)</c> and <c>float(bytes)</c> strip: space and \t \n \v \f \r.</summary>
    internal static bool IsAsciiSpace(byte b) => b == (byte)' ' || (uint)(b - '\t') <= '\r' - '\t';

    internal static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    internal static ReadOnlySpan<byte> TrimAsciiSpace(ReadOnlySpan<byte> s)
    {
        int start = 0;
        while (start < s.Length && IsAsciiSpace(s[start]))
        {
            start++;
        }

        int end = s.Length;
        while (end > start && IsAsciiSpace(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    /// <summary>
    /// Splits a Python <c>int()</c> literal (base 10): optional whitespace around, optional sign,
    /// digits with single underscores between digits.
    /// </summary>
    /// <param name="source">The text.</param>
    /// <param name="negative">Whether a '-' sign was present.</param>
    /// <param name="digits">The digits, possibly with underscores.</param>
    /// <param name="digitCount">The number of digits, underscores not counted.</param>
    /// <returns>Whether the syntax is valid.</returns>
    internal static bool TrySplitInteger(ReadOnlySpan<byte> source, out bool negative, out ReadOnlySpan<byte> digits, out int digitCount)
    {
        ReadOnlySpan<byte> s = TrimAsciiSpace(source);
        negative = false;
        digits = default;
        digitCount = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        if (s[0] == (byte)'-' || s[0] == (byte)'+')
        {
            negative = s[0] == (byte)'-';
            s = s[1..];
        }

        int count = CountDigitPart(s);
        if (count <= 0 || s[^1] == (byte)'_')
        {
            return false;
        }

        digits = s;
        digitCount = count;
        return true;
    }

    // Python's digitpart: digit (["_"] digit)*. Returns the digit count of the whole span, or -1 if it is not one digitpart.
    private static int CountDigitPart(ReadOnlySpan<byte> s)
    {
        int count = 0;
        bool previousWasDigit = false;
        foreach (byte b in s)
        {
            if (IsDigit(b))
            {
                count++;
                previousWasDigit = true;
            }
            else if (b == (byte)'_' && previousWasDigit)
            {
                previousWasDigit = false;
            }
            else
            {
                return -1;
            }
        }

        return count;
    }

    /// <summary>Length of the digitpart at the start of <paramref name="s"/> (0 if none); a trailing underscore is not part of it.</summary>
    internal static int ScanDigitPart(ReadOnlySpan<byte> s, ref bool sawUnderscore)
    {
        int i = 0;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
            if (i + 1 < s.Length && s[i] == (byte)'_' && IsDigit(s[i + 1]))
            {
                sawUnderscore = true;
                i++;
            }
        }

        return i;
    }

    /// <summary>Accumulates digits (skipping underscores) into a <see cref="ulong"/>; false on overflow.</summary>
    internal static bool TryAccumulate(ReadOnlySpan<byte> digits, out ulong value)
    {
        ulong result = 0;
        foreach (byte b in digits)
        {
            uint d = (uint)(b - '0');
            if (d > 9)
            {
                continue;
            }

            if (result > (ulong.MaxValue - d) / 10)
            {
                value = 0;
                return false;
            }

            result = (result * 10) + d;
        }

        value = result;
        return true;
    }

    /// <summary>Parses a Python <c>int()</c> literal into a sign and a magnitude.</summary>
    /// <exception cref="FormatException">The syntax is invalid or the magnitude does not fit 64 bits.</exception>
    internal static ulong ParseMagnitude(ReadOnlySpan<byte> source, string typeName, out bool negative)
    {
        if (!TrySplitInteger(source, out negative, out ReadOnlySpan<byte> digits, out _))
        {
            ThrowHelper.ThrowFormat("integer", source);
        }

        if (!TryAccumulate(digits, out ulong magnitude))
        {
            ThrowHelper.ThrowOutOfRange(typeName, source);
        }

        return magnitude;
    }

    /// <summary>A short Python-like rendering of wire bytes for error messages.</summary>
    internal static string Describe(ReadOnlySpan<byte> source)
    {
        const int Limit = 64;
        var builder = new StringBuilder("b'");
        int shown = Math.Min(source.Length, Limit);
        for (int i = 0; i < shown; i++)
        {
            byte b = source[i];
            if (b == (byte)'\\' || b == (byte)'\'')
            {
                builder.Append('\\').Append((char)b);
            }
            else if (b >= 0x20 && b < 0x7F)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        builder.Append('\'');
        if (source.Length > Limit)
        {
            builder.Append("... (").Append(source.Length).Append(" bytes)");
        }

        return builder.ToString();
    }
}
