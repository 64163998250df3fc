using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Integer</c> at any size, as a <see cref="BigInteger"/>: plain decimal text,
/// <c>-</c> for negatives. Reads what Python's <c>int(bytes)</c> accepts (whitespace around, a
/// sign, leading zeros, single underscores between digits).
/// </summary>
/// <remarks>
/// CPython 3.11 and later refuse int/str conversions of more than 4300 digits (leading zeros
/// count, underscores do not), so a Twisted peer can neither send nor read such a value (unless
/// raised with <c>sys.set_int_max_str_digits</c>). This type keeps the same limit both ways by
/// default (<see cref="DigitLimitedArgumentType{T}.MaxDigits"/>, counted as CPython counts). The
/// limit also bounds the CPU a value costs: <see cref="BigInteger"/> conversion from and to text takes more than linear
/// time in the number of digits, and a longer value is refused after one pass over the text,
/// before any digit is converted.
/// </remarks>
public sealed class BigIntegerArgument : DigitLimitedArgumentType<BigInteger>
{
    /// <summary>The shared instance, with <see cref="DigitLimitedArgumentType{T}.DefaultMaxDigits"/>.</summary>
    public static readonly BigIntegerArgument Instance = new();

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The value has more than <see cref="DigitLimitedArgumentType{T}.MaxDigits"/> digits; nothing is written.</exception>
    public override void Write(BigInteger value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);

        // log10(2) < 0.30103; one extra digit for rounding and one for the sign.
        long maxLength = (long)(value.GetBitLength() * 0.30103) + 2;
        if (maxLength > (long)MaxDigits + 2)
        {
            ThrowTooManyDigits();
        }

        char[]? rented = null;
        Span<char> chars = maxLength <= 128 ? stackalloc char[128] : (rented = ArrayPool<char>.Shared.Rent((int)maxLength));
        try
        {
            value.TryFormat(chars, out int written, default, CultureInfo.InvariantCulture);
            int digits = value.Sign < 0 ? written - 1 : written;
            if (digits > MaxDigits)
            {
                ThrowTooManyDigits();
            }

            Span<byte> span = destination.GetSpan(written);
            Ascii.FromUtf16(chars[..written], span, out _);
            destination.Advance(written);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The text is not a Python integer, or it has more than <see cref="DigitLimitedArgumentType{T}.MaxDigits"/> digits.</exception>
    public override BigInteger Read(ReadOnlySpan<byte> source)
    {
        if (!WireText.TrySplitInteger(source, out bool negative, out ReadOnlySpan<byte> digits, out int digitCount))
        {
            ThrowHelper.ThrowFormat("integer", source);
        }

        if (digitCount > MaxDigits)
        {
            ThrowHelper.ThrowFormatMessage($"Integer value has {digitCount} digits, more than the limit of {MaxDigits} (MaxDigits of the argument; Python's default limit is 4300).");
        }

        if (digitCount <= 19 && WireText.TryAccumulate(digits, out ulong small))
        {
            var result = new BigInteger(small);
            return negative ? -result : result;
        }

        char[] buffer = ArrayPool<char>.Shared.Rent(digitCount);
        try
        {
            int n = 0;
            foreach (byte b in digits)
            {
                if (b != (byte)'_')
                {
                    buffer[n++] = (char)b;
                }
            }

            BigInteger result = BigInteger.Parse(buffer.AsSpan(0, n), NumberStyles.None, CultureInfo.InvariantCulture);
            return negative ? -result : result;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private void ThrowTooManyDigits() =>
        ThrowHelper.ThrowArgument($"The integer has more than {MaxDigits} digits, the limit of this argument type (BigIntegerArgument.MaxDigits; Python's default limit is 4300).", "value");
}
