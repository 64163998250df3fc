using System.Buffers;
using Amp.Boxes;
using Amp.Streams;

namespace Amp.Descriptors;

/// <summary>
/// A big value (<see cref="Arguments.BigStringArgument"/>, <see cref="Arguments.BigUnicodeArgument"/>):
/// written as its first chunk under its name and the rest under <c>name.2</c>, <c>name.3</c>, …
/// (merged into the box's key order by the record), read from the whole box once every key is known.
/// </summary>
internal abstract class ChunkedFieldDescriptor<TOwner> : FieldDescriptor<TOwner>
    where TOwner : class
{
    protected ChunkedFieldDescriptor(string name, byte[] key, string memberName, bool optional, int maxBytes)
        : base(name, key, memberName, optional)
    {
        MaxBytes = maxBytes;
    }

    /// <summary>The longest value read or written, in bytes on the wire; 0 for no limit of the field's own.</summary>
    public int MaxBytes { get; }

    /// <summary>Assembles the value from <paramref name="box"/>, where its name is known to be present, and stores it.</summary>
    /// <exception cref="AmpArgumentException">The value is over <see cref="MaxBytes"/> or malformed.</exception>
    public abstract void ReadFromBox(TOwner owner, ReadOnlySpan<byte> box, string context);

    protected void CheckLength(int length, int chunks, string context)
    {
        if (MaxBytes > 0 && length > MaxBytes)
        {
            throw new AmpArgumentException(context, Name,
                $"value of {length} bytes{(chunks > 1 ? $" in {chunks} chunks" : "")} exceeds the field's limit of {MaxBytes} bytes (MaxBytes)");
        }
    }
}

/// <summary>A big value of a property of type <typeparamref name="TValue"/>.</summary>
internal sealed class ChunkedFieldDescriptor<TOwner, TValue> : ChunkedFieldDescriptor<TOwner>
    where TOwner : class
{
    private const int StackTableSize = 64;

    private readonly Func<TOwner, TValue> _get;
    private readonly Action<TOwner, TValue> _set;
    private readonly BigValueCodec<TValue> _codec;

    public ChunkedFieldDescriptor(string name, byte[] key, string memberName, bool optional, int maxBytes, Func<TOwner, TValue> get, Action<TOwner, TValue> set, BigValueCodec<TValue> codec)
        : base(name, key, memberName, optional, maxBytes)
    {
        _get = get;
        _set = set;
        _codec = codec;
    }

    public override void Write(TOwner owner, BoxBuffer buffer, string context, StreamBinder? streams, ref ChunkRuns? runs)
    {
        ReadOnlyMemory<byte> bytes;
        byte[]? rented;
        try
        {
            if (!_codec.TryGetBytes(_get(owner), out bytes, out rented))
            {
                if (Optional)
                {
                    return;
                }

                throw Missing(context);
            }
        }
        catch (ArgumentException e)
        {
            throw new AmpArgumentException(context, Name, $"cannot be written: {e.Message}", e);
        }

        try
        {
            CheckLength(bytes.Length, ChunkKeys.Count(bytes.Length), context);
            buffer.WriteEntry(Key, ChunkKeys.Chunk(bytes, 1).Span);
            if (bytes.Length > ChunkKeys.ChunkLength)
            {
                (runs ??= new ChunkRuns()).Add(Key, bytes, rented);
                rented = null;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public override void ReadFromBox(TOwner owner, ReadOnlySpan<byte> box, string context)
    {
        int size = ChunkList.CountCandidates(box, Key) + 2;
        long[]? rented = size <= StackTableSize ? null : ArrayPool<long>.Shared.Rent(size);
        Span<long> table = rented is null ? stackalloc long[StackTableSize] : rented;
        try
        {
            ChunkList chunks = ChunkList.Locate(box, Key, table.Slice(0, size));
            CheckLength(chunks.Length, chunks.Count, context);
            TValue value;
            try
            {
                value = _codec.Create(chunks);
            }
            catch (FormatException e)
            {
                throw new AmpArgumentException(context, Name, $"malformed value: {e.Message}", e);
            }

            _set(owner, value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<long>.Shared.Return(rented);
            }
        }
    }
}
