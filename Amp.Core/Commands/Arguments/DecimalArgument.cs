using System.Buffers;
using System.Text;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Decimal</c> as an <see cref="AmpDecimal"/>: Python's <c>str(Decimal)</c> on write,
/// Python's <c>Decimal(text)</c> syntax on read, every value Python can send (<c>-0</c>,
/// <c>1E+2</c>, <c>Infinity</c>, <c>-NaN</c>, <c>sNaN123</c>) kept exactly, up to
/// <see cref="DigitLimitedArgumentType{T}.MaxDigits"/> coefficient digits.
/// </summary>
/// <remarks>
/// <para>
/// The coefficient is held as a <see cref="System.Numerics.BigInteger"/>, whose conversion from and
/// to decimal text costs more than linear time in the number of digits (writing 65,000 digits back
/// takes about a tenth of a second). The digit limit bounds it: a longer coefficient is
/// refused after one pass over the text, before any digit is converted, and is refused on write
/// before anything is written. Python reads and writes any number of digits in linear time, so a
/// Python peer may send values this type refuses; raise the limit for an argument that needs more,
/// with <c>[AmpArgument("name", MaxDigits = n)]</c> or <c>new DecimalArgument { MaxDigits = n }</c>.
/// </para>
/// <para>
/// <see cref="DigitLimitedArgumentType{T}.MaxDigits"/> counts the coefficient's digits (leading zeros of
/// the text not counted, since they carry no digit of the value: <c>000.0012</c> has two) and the digits
/// of a NaN's payload. Its default, 4300, is far beyond the 28 digits of Python's default decimal context.
/// </para>
/// <para>The exponent is not limited beyond <see cref="AmpDecimal"/>'s 32-bit range; its digits are read in the same single pass.</para>
/// </remarks>
public sealed class DecimalArgument : DigitLimitedArgumentType<AmpDecimal>
{
    /// <summary>The shared instance, with <see cref="DigitLimitedArgumentType{T}.DefaultMaxDigits"/>.</summary>
    public static readonly DecimalArgument Instance = new();

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The coefficient (or NaN payload) has more than <see cref="DigitLimitedArgumentType{T}.MaxDigits"/> digits; nothing is written.</exception>
    public override void Write(AmpDecimal value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        value.WriteTo(destination, MaxDigits);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The bytes are not ASCII, not a Python decimal, the exponent does not fit an <see cref="int"/>, or the coefficient has more than <see cref="DigitLimitedArgumentType{T}.MaxDigits"/> digits.</exception>
    public override AmpDecimal Read(ReadOnlySpan<byte> source) => Read(source, MaxDigits);

    /// <summary>Reads a decimal with a digit limit; see <see cref="Read(ReadOnlySpan{byte})"/>.</summary>
    internal static AmpDecimal Read(ReadOnlySpan<byte> source, int maxDigits)
    {
        AmpDecimal result = default;
        int digitCount = 0;
        DecimalParseStatus status = Ascii.IsValid(source)
            ? DecimalText.Parse(source, maxDigits, out result, out digitCount)
            : DecimalParseStatus.Invalid;
        if (status == DecimalParseStatus.TooManyDigits)
        {
            ThrowHelper.ThrowFormatMessage($"Decimal value has {digitCount} coefficient digits, more than the limit of {maxDigits} (MaxDigits of the argument).");
        }

        if (status != DecimalParseStatus.Valid)
        {
            ThrowHelper.ThrowFormat("decimal", source);
        }

        return result;
    }
}
