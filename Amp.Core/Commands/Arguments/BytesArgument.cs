using System.Buffers;

namespace Amp.Commands.Arguments;

/// <summary>Twisted's <c>String</c> (Python <c>bytes</c>) as a <see cref="byte"/> array: the bytes unchanged.</summary>
public sealed class BytesArgument : AmpArgumentType<byte[]>
{
    /// <summary>The shared instance.</summary>
    public static readonly BytesArgument Instance = new();

    /// <inheritdoc/>
    public override void Write(byte[] value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(value);
    }

    /// <inheritdoc/>
    /// <returns>A new array holding a copy of <paramref name="source"/>.</returns>
    public override byte[] Read(ReadOnlySpan<byte> source) => source.ToArray();
}
