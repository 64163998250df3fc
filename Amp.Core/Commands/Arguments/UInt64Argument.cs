using System.Buffers;
using System.Buffers.Text;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Integer</c> as a <see cref="ulong"/>: plain decimal text. Reads what Python's
/// <c>int(bytes)</c> accepts (whitespace around, a sign, leading zeros, single underscores between
/// digits); <c>-0</c> reads as 0, any other negative value is out of range.
/// </summary>
public sealed class UInt64Argument : AmpArgumentType<ulong>
{
    /// <summary>The shared instance.</summary>
    public static readonly UInt64Argument Instance = new();

    /// <inheritdoc/>
    public override void Write(ulong value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> span = destination.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        destination.Advance(written);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The text is not a Python integer, or it is outside the range of <see cref="ulong"/>.</exception>
    public override ulong Read(ReadOnlySpan<byte> source)
    {
        ulong magnitude = WireText.ParseMagnitude(source, "UInt64", out bool negative);
        if (negative && magnitude != 0)
        {
            ThrowHelper.ThrowOutOfRange("UInt64", source);
        }

        return magnitude;
    }
}
