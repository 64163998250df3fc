using System.Buffers;
using System.Buffers.Text;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Integer</c> as a <see cref="long"/>: plain decimal text, <c>-</c> for negatives.
/// Reads what Python's <c>int(bytes)</c> accepts (whitespace around, a sign, leading zeros,
/// single underscores between digits).
/// </summary>
public sealed class Int64Argument : AmpArgumentType<long>
{
    /// <summary>The shared instance.</summary>
    public static readonly Int64Argument Instance = new();

    /// <inheritdoc/>
    public override void Write(long value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> span = destination.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        destination.Advance(written);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The text is not a Python integer, or it is outside the range of <see cref="long"/>.</exception>
    public override long Read(ReadOnlySpan<byte> source)
    {
        ulong magnitude = WireText.ParseMagnitude(source, "Int64", out bool negative);
        if (negative)
        {
            if (magnitude > 1UL << 63)
            {
                ThrowHelper.ThrowOutOfRange("Int64", source);
            }

            return (long)(0 - magnitude);
        }

        if (magnitude > long.MaxValue)
        {
            ThrowHelper.ThrowOutOfRange("Int64", source);
        }

        return (long)magnitude;
    }
}
