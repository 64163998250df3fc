using System.Buffers;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Boolean</c> as a <see cref="bool"/>: exactly <c>True</c> or <c>False</c>,
/// case-sensitive, with no whitespace.
/// </summary>
public sealed class BooleanArgument : AmpArgumentType<bool>
{
    /// <summary>The shared instance.</summary>
    public static readonly BooleanArgument Instance = new();

    /// <inheritdoc/>
    public override void Write(bool value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(value ? "True"u8 : "False"u8);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The bytes are anything but <c>True</c> or <c>False</c> (for example <c>true</c> or <c>1</c>).</exception>
    public override bool Read(ReadOnlySpan<byte> source)
    {
        if (source.SequenceEqual("True"u8))
        {
            return true;
        }

        if (!source.SequenceEqual("False"u8))
        {
            ThrowHelper.ThrowFormat("boolean", source);
        }

        return false;
    }
}
