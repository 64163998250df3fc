using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Amp.Commands.Arguments;

/// <summary>
/// Twisted's <c>Integer</c> at any size, as a <see cref="BigInteger"/>: plain decimal text,
/// <c>-</c> for negatives. Reads what Python's <c>int(bytes)</c> accepts (whitespace around, a
/// sign, leading zeros, single underscores between digits).
/// </summary>
/// <remarks>
/// CPython 3.11 and later refuse int/str conversions of more than 4300 digits (leading zeros
/// count, underscores do not), so a Twisted peer can neither send nor read such a value. This type
/// keeps the same limit both ways.
/// </remarks>
public sealed class BigIntegerArgument : AmpArgumentType<BigInteger>
{
    /// <summary>The shared instance.</summary>
    public static readonly BigIntegerArgument Instance = new();

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The value has more than 4300 digits.</exception>
    public override void Write(BigInteger value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);

        // log10(2) < 0.30103; one extra digit for rounding and one for the sign.
        long maxLength = (long)(value.GetBitLength() * 0.30103) + 2;
        if (maxLength > WireText.MaxIntegerDigits + 2)
        {
            ThrowHelper.ThrowArgument("The integer has more than 4300 digits, which Python refuses to read.", nameof(value));
        }

        char[]? rented = null;
        Span<char> chars = maxLength <= 128 ? stackalloc char[128] : (rented = ArrayPool<char>.Shared.Rent((int)maxLength));
        try
        {
            value.TryFormat(chars, out int written, default, CultureInfo.InvariantCulture);
            int digits = value.Sign < 0 ? written - 1 : written;
            if (digits > WireText.MaxIntegerDigits)
            {
                ThrowHelper.ThrowArgument("The integer has more than 4300 digits, which Python refuses to read.", nameof(value));
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
    /// <exception cref="FormatException">The text is not a Python integer, or it has more than 4300 digits.</exception>
    public override BigInteger Read(ReadOnlySpan<byte> source)
    {
        if (!WireText.TrySplitInteger(source, out bool negative, out ReadOnlySpan<byte> digits, out int digitCount))
        {
            ThrowHelper.ThrowFormat("integer", source);
        }

        if (digitCount > WireText.MaxIntegerDigits)
        {
            ThrowHelper.ThrowFormatMessage($"Integer value has {digitCount} digits, more than the 4300 Python accepts.");
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
}
