using System.Buffers;

namespace Amp.Arguments;

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
    public override byte[] Read(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
        {
            return Array.Empty<byte>();
        }

        // Every byte is overwritten at once: the runtime need not clear the array first.
        byte[] copy = GC.AllocateUninitializedArray<byte>(source.Length);
        source.CopyTo(copy);
        return copy;
    }
}
