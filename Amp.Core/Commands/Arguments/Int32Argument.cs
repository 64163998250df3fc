using System.Buffers;
using System.Buffers.Text;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Integer</c> as an <see cref="int"/>: plain decimal text, <c>-</c> for negatives.
/// Reads what Python's <c>int(bytes)</c> accepts (whitespace around, a sign, leading zeros,
/// single underscores between digits).
/// </summary>
public sealed class Int32Argument : AmpArgumentType<int>
{
    /// <summary>The shared instance.</summary>
    public static readonly Int32Argument Instance = new();

    /// <inheritdoc/>
    public override void Write(int value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> span = destination.GetSpan(11);
        Utf8Formatter.TryFormat(value, span, out int written);
        destination.Advance(written);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The text is not a Python integer, or it is outside the range of <see cref="int"/>.</exception>
    public override int Read(ReadOnlySpan<byte> source)
    {
        ulong magnitude = WireText.ParseMagnitude(source, "Int32", out bool negative);
        if (negative)
        {
            if (magnitude > 1UL << 31)
            {
                ThrowHelper.ThrowOutOfRange("Int32", source);
            }

            return (int)(0 - (long)magnitude);
        }

        if (magnitude > int.MaxValue)
        {
            ThrowHelper.ThrowOutOfRange("Int32", source);
        }

        return (int)magnitude;
    }
}
