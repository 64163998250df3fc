using System.Buffers;
using System.Globalization;
using System.Text;

namespace Amp.Arguments;

/// <summary>Python's <c>repr(float)</c> and <c>float(bytes)</c> on UTF-8 spans.</summary>
internal static class FloatText
{
    /// <summary>Enough for any <c>repr(float)</c>, such as <c>-2.2250738585072014e-308</c>.</summary>
    internal const int MaxLength = 32;

    /// <summary>Writes Python's <c>repr</c> of <paramref name="value"/>; <paramref name="destination"/> needs <see cref="MaxLength"/> bytes.</summary>
    internal static int Format(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            "nan"u8.CopyTo(destination);
            return 3;
        }

        if (double.IsInfinity(value))
        {
            ReadOnlySpan<byte> text = value > 0 ? "inf"u8 : "-inf"u8;
            text.CopyTo(destination);
            return text.Length;
        }

        // .NET's "R" gives the shortest round-trip digits; only the layout differs from Python.
        Span<byte> raw = stackalloc byte[MaxLength];
        value.TryFormat(raw, out int rawLength, "R", CultureInfo.InvariantCulture);
        raw = raw[..rawLength];

        Span<byte> digits = stackalloc byte[MaxLength];
        int digitCount = 0;
        int pointPosition = -1;
        int exponent = 0;
        int i = raw[0] == (byte)'-' ? 1 : 0;
        for (; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == (byte)'.')
            {
                pointPosition = digitCount;
            }
            else if (b == (byte)'E')
            {
                exponent = int.Parse(raw[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                digits[digitCount++] = b;
            }
        }

        // The value is 0.d1d2d3... * 10^decimalPoint.
        int decimalPoint = (pointPosition < 0 ? digitCount : pointPosition) + exponent;
        int first = 0;
        while (first < digitCount - 1 && digits[first] == (byte)'0')
        {
            first++;
            decimalPoint--;
        }

        int last = digitCount;
        while (last > first + 1 && digits[last - 1] == (byte)'0')
        {
            last--;
        }

        ReadOnlySpan<byte> significant = digits[first..last];
        if (significant.Length == 1 && significant[0] == (byte)'0')
        {
            decimalPoint = 1;
        }

        int n = 0;
        if (double.IsNegative(value))
        {
            destination[n++] = (byte)'-';
        }

        int scientificExponent = decimalPoint - 1;
        if (scientificExponent < -4 || scientificExponent >= 16)
        {
            destination[n++] = significant[0];
            if (significant.Length > 1)
            {
                destination[n++] = (byte)'.';
                significant[1..].CopyTo(destination[n..]);
                n += significant.Length - 1;
            }

            destination[n++] = (byte)'e';
            destination[n++] = scientificExponent < 0 ? (byte)'-' : (byte)'+';
            int magnitude = Math.Abs(scientificExponent);
            if (magnitude < 10)
            {
                destination[n++] = (byte)'0';
            }

            magnitude.TryFormat(destination[n..], out int written, default, CultureInfo.InvariantCulture);
            return n + written;
        }

        if (decimalPoint <= 0)
        {
            destination[n++] = (byte)'0';
            destination[n++] = (byte)'.';
            destination.Slice(n, -decimalPoint).Fill((byte)'0');
            n += -decimalPoint;
            significant.CopyTo(destination[n..]);
            return n + significant.Length;
        }

        if (decimalPoint >= significant.Length)
        {
            significant.CopyTo(destination[n..]);
            n += significant.Length;
            int zeros = decimalPoint - significant.Length;
            destination.Slice(n, zeros).Fill((byte)'0');
            n += zeros;
            destination[n++] = (byte)'.';
            destination[n++] = (byte)'0';
            return n;
        }

        significant[..decimalPoint].CopyTo(destination[n..]);
        n += decimalPoint;
        destination[n++] = (byte)'.';
        significant[decimalPoint..].CopyTo(destination[n..]);
        return n + significant.Length - decimalPoint;
    }

    /// <summary>
    /// Parses what Python's <c>float(bytes)</c> accepts: ASCII whitespace around, an optional sign,
    /// decimal digits with single underscores between digits, an optional point and exponent, or
    /// (case-insensitively) <c>inf</c>, <c>infinity</c>, <c>nan</c>. Overflow gives infinity.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<byte> source, out double value)
    {
        value = 0;
        ReadOnlySpan<byte> s = WireText.TrimAsciiSpace(source);
        if (s.IsEmpty)
        {
            return false;
        }

        bool negative = false;
        int i = 0;
        if (s[0] == (byte)'+' || s[0] == (byte)'-')
        {
            negative = s[0] == (byte)'-';
            i = 1;
        }

        ReadOnlySpan<byte> body = s[i..];
        if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (Ascii.EqualsIgnoreCase(body, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        bool underscore = false;
        int integerDigits = WireText.ScanDigitPart(body, ref underscore);
        int p = integerDigits;
        int fractionDigits = 0;
        if (p < body.Length && body[p] == (byte)'.')
        {
            p++;
            fractionDigits = WireText.ScanDigitPart(body[p..], ref underscore);
            p += fractionDigits;
        }

        if (integerDigits == 0 && fractionDigits == 0)
        {
            return false;
        }

        if (p < body.Length && (body[p] | 0x20) == (byte)'e')
        {
            p++;
            if (p < body.Length && (body[p] == (byte)'+' || body[p] == (byte)'-'))
            {
                p++;
            }

            int exponentDigits = WireText.ScanDigitPart(body[p..], ref underscore);
            if (exponentDigits == 0)
            {
                return false;
            }

            p += exponentDigits;
        }

        if (p != body.Length)
        {
            return false;
        }

        if (!underscore)
        {
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        byte[]? rented = null;
        Span<byte> buffer = s.Length <= 128 ? stackalloc byte[128] : (rented = ArrayPool<byte>.Shared.Rent(s.Length));
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

            return double.TryParse(buffer[..n], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
