using System.Buffers;
using System.Globalization;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Decimal</c> as a <see cref="decimal"/>. Writes as Python prints a
/// <c>Decimal</c> with the same digits and scale (<c>1.10m</c> is <c>1.10</c>,
/// <c>0.0000001m</c> is <c>1E-7</c>).
/// </summary>
/// <remarks>
/// Reading converts as <see cref="AmpDecimal"/>'s explicit conversion does: values more precise
/// than <see cref="decimal"/> are rounded to the nearest (ties to even); infinities, NaNs and
/// magnitudes beyond <see cref="decimal.MaxValue"/> are a <see cref="FormatException"/>. Use
/// <see cref="DecimalArgument"/> to receive every value a Python peer can send. The text is read
/// as <see cref="DecimalArgument"/> reads it, with the same digit limit (<see cref="DigitLimitedArgumentType{T}.MaxDigits"/>,
/// the coefficient's digits without the text's leading zeros; a more precise value is rounded to
/// <see cref="decimal"/>'s 28-29 digits after reading).
/// </remarks>
public sealed class SystemDecimalArgument : DigitLimitedArgumentType<decimal>
{
    /// <summary>The shared instance, with <see cref="DigitLimitedArgumentType{T}.DefaultMaxDigits"/>.</summary>
    public static readonly SystemDecimalArgument Instance = new();

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The value has more than <see cref="DigitLimitedArgumentType{T}.MaxDigits"/> digits (only when it is set below 29); nothing is written.</exception>
    public override void Write(decimal value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);

        // decimal's own text keeps the scale and never uses an exponent: "-0.0000001".
        Span<byte> text = stackalloc byte[40];
        value.TryFormat(text, out int length, default, CultureInfo.InvariantCulture);
        text = text[..length];

        // decimal's text drops the sign of a negative zero; Python's keeps it (-0, -0.000).
        bool negative = decimal.IsNegative(value);
        Span<byte> digits = stackalloc byte[32];
        int digitCount = 0;
        int scale = 0;
        bool fraction = false;
        foreach (byte b in text)
        {
            if (b == (byte)'.')
            {
                fraction = true;
            }
            else if (b != (byte)'-')
            {
                digits[digitCount++] = b;
                scale += fraction ? 1 : 0;
            }
        }

        int first = 0;
        while (first < digitCount - 1 && digits[first] == (byte)'0')
        {
            first++;
        }

        if (digitCount - first > MaxDigits)
        {
            ThrowHelper.ThrowArgument($"The decimal has {digitCount - first} digits, more than the limit of {MaxDigits} (SystemDecimalArgument.MaxDigits).", nameof(value));
        }

        Span<byte> span = destination.GetSpan(DecimalText.MaxLayoutLength(digitCount));
        destination.Advance(DecimalText.Layout(negative, digits[first..digitCount], -scale, span));
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The bytes are not a Python decimal, the coefficient has more than <see cref="DigitLimitedArgumentType{T}.MaxDigits"/> digits, or the value is infinity, a NaN, or beyond the range of <see cref="decimal"/>.</exception>
    public override decimal Read(ReadOnlySpan<byte> source)
    {
        AmpDecimal value = DecimalArgument.Read(source, MaxDigits);
        if (!value.IsFinite)
        {
            ThrowHelper.ThrowFormatMessage($"Decimal value {WireText.Describe(source)} has no System.Decimal form.");
        }

        try
        {
            return value.ToDecimal();
        }
        catch (OverflowException e)
        {
            throw new FormatException($"Decimal value {WireText.Describe(source)} is outside the range of System.Decimal.", e);
        }
    }
}
