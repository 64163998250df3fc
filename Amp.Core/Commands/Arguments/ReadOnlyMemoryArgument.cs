using System.Buffers;

namespace Amp.Arguments;

/// <summary>Twisted's <c>String</c> (Python <c>bytes</c>) as <see cref="ReadOnlyMemory{T}"/>: the bytes unchanged.</summary>
public sealed class ReadOnlyMemoryArgument : AmpArgumentType<ReadOnlyMemory<byte>>
{
    /// <summary>The shared instance.</summary>
    public static readonly ReadOnlyMemoryArgument Instance = new();

    /// <inheritdoc/>
    public override void Write(ReadOnlyMemory<byte> value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(value.Span);
    }

    /// <inheritdoc/>
    /// <returns>A copy of <paramref name="source"/>: the source bytes belong to the receive buffer and are reused.</returns>
    public override ReadOnlyMemory<byte> Read(ReadOnlySpan<byte> source)
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
