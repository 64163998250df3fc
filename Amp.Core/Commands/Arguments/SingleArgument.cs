using System.Buffers;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Float</c> as a <see cref="float"/>. The value is widened to <see cref="double"/>
/// and written as Python would write that double (so <c>0.1f</c> is <c>0.10000000149011612</c>);
/// reading parses a double as Python does and rounds it to the nearest <see cref="float"/>
/// (as <c>struct.pack("f", x)</c> would, except that values beyond the range of
/// <see cref="float"/> become infinity where Python raises <c>OverflowError</c>).
/// </summary>
public sealed class SingleArgument : AmpArgumentType<float>
{
    /// <summary>The shared instance.</summary>
    public static readonly SingleArgument Instance = new();

    /// <inheritdoc/>
    public override void Write(float value, IBufferWriter<byte> destination) =>
        DoubleArgument.Instance.Write(value, destination);

    /// <inheritdoc/>
    /// <exception cref="FormatException">The text is not a Python float literal.</exception>
    public override float Read(ReadOnlySpan<byte> source) => (float)DoubleArgument.Instance.Read(source);
}
