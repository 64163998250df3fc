using System.Buffers;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Float</c> as a <see cref="double"/>. Writes Python's <c>repr</c>: the shortest
/// digits that round-trip, in Python's layout (<c>1.0</c>, <c>0.0001</c>, <c>1e-05</c>,
/// <c>1e+16</c>, <c>-0.0</c>, <c>inf</c>, <c>-inf</c>, <c>nan</c>). Reads what Python's
/// <c>float(bytes)</c> accepts.
/// </summary>
/// <remarks>
/// Reading accepts whitespace around the number, a sign, underscores between digits, <c>10.</c>,
/// <c>.5</c>, <c>1E+05</c>, and <c>inf</c>, <c>infinity</c>, <c>nan</c> in any case with a sign.
/// Values too large become infinity and values too small become zero, as in Python. Hexadecimal
/// (<c>0x1p3</c>), a decimal comma and non-ASCII digits are rejected.
/// </remarks>
public sealed class DoubleArgument : AmpArgumentType<double>
{
    /// <summary>The shared instance.</summary>
    public static readonly DoubleArgument Instance = new();

    /// <inheritdoc/>
    public override void Write(double value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> span = destination.GetSpan(FloatText.MaxLength);
        destination.Advance(FloatText.Format(value, span));
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The text is not a Python float literal.</exception>
    public override double Read(ReadOnlySpan<byte> source)
    {
        if (!FloatText.TryParse(source, out double value))
        {
            ThrowHelper.ThrowFormat("float", source);
        }

        return value;
    }
}
