using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Amp.Arguments;

/// <summary>Python's <c>str(Decimal)</c> (to-scientific-string) and <c>Decimal(text)</c> on ASCII spans.</summary>
internal static class DecimalText
{
    /// <summary>An upper bound of <see cref="Layout"/>'s output for a coefficient of <paramref name="digitCount"/> digits.</summary>
    internal static int MaxLayoutLength(int digitCount) => digitCount + 32;

    /// <summary>
    /// Writes a finite value as the General Decimal Arithmetic to-scientific-string does.
    /// </summary>
    /// <param name="negative">The sign.</param>
    /// <param name="digits">The coefficient's digits without leading zeros (<c>0</c> for zero).</param>
    /// <param name="exponent">The exponent.</param>
    /// <param name="destination">At least <see cref="MaxLayoutLength"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    internal static int Layout(bool negative, ReadOnlySpan<byte> digits, long exponent, Span<byte> destination)
    {
        int n = 0;
        if (negative)
        {
            destination[n++] = (byte)'-';
        }

        long adjusted = exponent + digits.Length - 1;
        if (exponent <= 0 && adjusted >= -6)
        {
            if (exponent == 0)
            {
                digits.CopyTo(destination[n..]);
                return n + digits.Length;
            }

            int fraction = (int)-exponent;
            if (digits.Length > fraction)
            {
                int integer = digits.Length - fraction;
                digits[..integer].CopyTo(destination[n..]);
                n += integer;
                destination[n++] = (byte)'.';
                digits[integer..].CopyTo(destination[n..]);
                return n + fraction;
            }

            destination[n++] = (byte)'0';
            destination[n++] = (byte)'.';
            int zeros = fraction - digits.Length;
            destination.Slice(n, zeros).Fill((byte)'0');
            n += zeros;
            digits.CopyTo(destination[n..]);
            return n + digits.Length;
        }

        destination[n++] = digits[0];
        if (digits.Length > 1)
        {
            destination[n++] = (byte)'.';
            digits[1..].CopyTo(destination[n..]);
            n += digits.Length - 1;
        }

        destination[n++] = (byte)'E';
        destination[n++] = adjusted < 0 ? (byte)'-' : (byte)'+';
        Math.Abs(adjusted).TryFormat(destination[n..], out int written, default, CultureInfo.InvariantCulture);
        return n + written;
    }

    /// <summary>The whitespace Python's <c>str.strip()</c> removes, within ASCII: \t \n \v \f \r, \x1c-\x1f and space.</summary>
    private static bool IsStripSpace(byte b) => b == (byte)' ' || (uint)(b - '\t') <= '\r' - '\t' || (uint)(b - 0x1C) <= 3;

    /// <summary>
    /// Parses Python's <c>Decimal(text)</c> syntax: whitespace around, every underscore ignored
    /// (CPython removes them all before parsing), a sign, digits with an optional point and
    /// exponent, or case-insensitive <c>Inf</c>, <c>Infinity</c>, <c>NaN</c>[digits],
    /// <c>sNaN</c>[digits]. Exponents beyond <see cref="int"/> are rejected.
    /// </summary>
    /// <param name="source">The text.</param>
    /// <param name="maxDigits">
    /// The most coefficient (or NaN payload) digits accepted, leading zeros not counted. The text is
    /// checked in one pass and refused before any digit is converted, so the work is linear in its
    /// length up to the cost of converting <paramref name="maxDigits"/> digits.
    /// </param>
    /// <param name="result">The value when <see cref="DecimalParseStatus.Valid"/>.</param>
    /// <param name="digitCount">The coefficient's (or payload's) digits without leading zeros, once the syntax is known valid.</param>
    internal static DecimalParseStatus Parse(ReadOnlySpan<byte> source, int maxDigits, out AmpDecimal result, out int digitCount)
    {
        result = default;
        digitCount = 0;
        int start = 0;
        int end = source.Length;
        while (start < end && IsStripSpace(source[start]))
        {
            start++;
        }

        while (end > start && IsStripSpace(source[end - 1]))
        {
            end--;
        }

        ReadOnlySpan<byte> s = source[start..end];
        if (s.IndexOf((byte)'_') < 0)
        {
            return ParseClean(s, maxDigits, out result, out digitCount);
        }

        byte[]? rented = null;
        Span<byte> buffer = s.Length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(s.Length));
        try
        {
            int n = 0;
            foreach (byte b in s)
            {
                if (b != (byte)'_')
                {
                    buffer[n++] = b;
                }
            }

            return ParseClean(buffer[..n], maxDigits, out result, out digitCount);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Parses without a digit limit; see <see cref="Parse"/>.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> source, out AmpDecimal result) =>
        Parse(source, int.MaxValue, out result, out _) == DecimalParseStatus.Valid;

    private static DecimalParseStatus ParseClean(ReadOnlySpan<byte> s, int maxDigits, out AmpDecimal result, out int digitCount)
    {
        result = default;
        digitCount = 0;
        bool negative = false;
        if (!s.IsEmpty && (s[0] == (byte)'+' || s[0] == (byte)'-'))
        {
            negative = s[0] == (byte)'-';
            s = s[1..];
        }

        if (s.IsEmpty)
        {
            return DecimalParseStatus.Invalid;
        }

        if (!WireText.IsDigit(s[0]) && s[0] != (byte)'.')
        {
            return ParseSpecial(negative, s, maxDigits, out result, out digitCount);
        }

        int integerEnd = CountDigits(s);
        ReadOnlySpan<byte> integerDigits = s[..integerEnd];
        ReadOnlySpan<byte> fractionDigits = default;
        int p = integerEnd;
        if (p < s.Length && s[p] == (byte)'.')
        {
            p++;
            int fractionLength = CountDigits(s[p..]);
            fractionDigits = s.Slice(p, fractionLength);
            p += fractionLength;
        }

        if (integerDigits.IsEmpty && fractionDigits.IsEmpty)
        {
            return DecimalParseStatus.Invalid;
        }

        long exponent = 0;
        if (p < s.Length && (s[p] | 0x20) == (byte)'e')
        {
            p++;
            bool exponentNegative = false;
            if (p < s.Length && (s[p] == (byte)'+' || s[p] == (byte)'-'))
            {
                exponentNegative = s[p] == (byte)'-';
                p++;
            }

            int exponentLength = CountDigits(s[p..]);
            if (exponentLength == 0)
            {
                return DecimalParseStatus.Invalid;
            }

            foreach (byte b in s.Slice(p, exponentLength))
            {
                // Saturate: anything this large is outside int range however many fraction digits there are.
                exponent = Math.Min((exponent * 10) + (b - '0'), 1L << 40);
            }

            if (exponentNegative)
            {
                exponent = -exponent;
            }

            p += exponentLength;
        }

        if (p != s.Length)
        {
            return DecimalParseStatus.Invalid;
        }

        exponent -= fractionDigits.Length;
        if (exponent < int.MinValue || exponent > int.MaxValue)
        {
            return DecimalParseStatus.Invalid;
        }

        // Leading zeros carry no digit of the coefficient: Python drops them too (str(Decimal("007")) is "7").
        integerDigits = integerDigits.TrimStart((byte)'0');
        if (integerDigits.IsEmpty)
        {
            fractionDigits = fractionDigits.TrimStart((byte)'0');
        }

        digitCount = Math.Max(1, integerDigits.Length + fractionDigits.Length);
        if (digitCount > maxDigits)
        {
            return DecimalParseStatus.TooManyDigits;
        }

        BigInteger coefficient = ParseDigits(integerDigits, fractionDigits);
        result = new AmpDecimal(negative, coefficient, (int)exponent);
        return DecimalParseStatus.Valid;
    }

    private static DecimalParseStatus ParseSpecial(bool negative, ReadOnlySpan<byte> s, int maxDigits, out AmpDecimal result, out int digitCount)
    {
        result = default;
        digitCount = 0;
        if (Ascii.EqualsIgnoreCase(s, "inf"u8) || Ascii.EqualsIgnoreCase(s, "infinity"u8))
        {
            result = negative ? AmpDecimal.NegativeInfinity : AmpDecimal.PositiveInfinity;
            return DecimalParseStatus.Valid;
        }

        bool signaling;
        ReadOnlySpan<byte> payload;
        if (s.Length >= 3 && Ascii.EqualsIgnoreCase(s[..3], "nan"u8))
        {
            signaling = false;
            payload = s[3..];
        }
        else if (s.Length >= 4 && Ascii.EqualsIgnoreCase(s[..4], "snan"u8))
        {
            signaling = true;
            payload = s[4..];
        }
        else
        {
            return DecimalParseStatus.Invalid;
        }

        if (CountDigits(payload) != payload.Length)
        {
            return DecimalParseStatus.Invalid;
        }

        payload = payload.TrimStart((byte)'0');
        digitCount = payload.Length;
        if (digitCount > maxDigits)
        {
            return DecimalParseStatus.TooManyDigits;
        }

        result = AmpDecimal.CreateNaN(negative, signaling, ParseDigits(payload, default));
        return DecimalParseStatus.Valid;
    }

    private static int CountDigits(ReadOnlySpan<byte> s)
    {
        int i = 0;
        while (i < s.Length && WireText.IsDigit(s[i]))
        {
            i++;
        }

        return i;
    }

    // Callers bound the length: BigInteger parsing costs more than linear time in it.
    private static BigInteger ParseDigits(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        int length = first.Length + second.Length;
        if (length <= 19)
        {
            ulong value = 0;
            foreach (byte b in first)
            {
                value = (value * 10) + (uint)(b - '0');
            }

            foreach (byte b in second)
            {
                value = (value * 10) + (uint)(b - '0');
            }

            return value;
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(length);
        try
        {
            Ascii.ToUtf16(first, buffer, out _);
            Ascii.ToUtf16(second, buffer.AsSpan(first.Length), out _);
            return BigInteger.Parse(buffer.AsSpan(0, length), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
