using System.Buffers;

namespace Amp.Commands.Arguments;

/// <summary>
/// Twisted's <c>Decimal</c> as an <see cref="AmpDecimal"/>: Python's <c>str(Decimal)</c> on write,
/// Python's <c>Decimal(text)</c> syntax on read, every value Python can send (<c>-0</c>,
/// <c>1E+2</c>, <c>Infinity</c>, <c>-NaN</c>, <c>sNaN123</c>) kept exactly.
/// </summary>
public sealed class DecimalArgument : AmpArgumentType<AmpDecimal>
{
    /// <summary>The shared instance.</summary>
    public static readonly DecimalArgument Instance = new();

    /// <inheritdoc/>
    public override void Write(AmpDecimal value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        value.WriteTo(destination);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The bytes are not ASCII, not a Python decimal, or the exponent does not fit an <see cref="int"/>.</exception>
    public override AmpDecimal Read(ReadOnlySpan<byte> source) => AmpDecimal.Parse(source);
}
