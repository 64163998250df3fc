using System.Buffers;
using System.Buffers.Binary;

namespace Amp.Boxes;

/// <summary>
/// A parsed box that points into the received bytes instead of copying them. Enumerating it walks
/// the key/value pairs in wire order; lookups follow Twisted's rule that the last duplicate key wins.
/// </summary>
/// <remarks>Valid only until the bytes it points into are released; dispose it when done.</remarks>
public readonly struct AmpBoxView : IDisposable
{
    private readonly byte[]? _rented;

    internal AmpBoxView(ReadOnlyMemory<byte> bytes, int count, byte[]? rented)
    {
        Bytes = bytes;
        Count = count;
        _rented = rented;
    }

    /// <summary>The box's bytes on the wire, end marker included.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The number of key/value pairs, duplicates included.</summary>
    public int Count { get; }

    /// <summary>Finds the value of <paramref name="key"/>; with duplicate keys, the last one wins.</summary>
    /// <param name="key">The key's bytes.</param>
    /// <param name="value">The value's bytes.</param>
    /// <returns><see langword="true"/> if the key is present.</returns>
    public bool TryGetValue(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        bool found = false;
        value = default;
        foreach (AmpBoxEntry entry in this)
        {
            if (entry.Key.SequenceEqual(key))
            {
                value = entry.Value;
                found = true;
            }
        }

        return found;
    }

    /// <summary>Whether the box has <paramref name="key"/>.</summary>
    /// <param name="key">The key's bytes.</param>
    /// <returns><see langword="true"/> if the key is present.</returns>
    public bool ContainsKey(ReadOnlySpan<byte> key) => TryGetValue(key, out _);

    /// <summary>Copies the box into an <see cref="AmpBox"/> that owns its keys and values.</summary>
    /// <returns>A new box.</returns>
    public AmpBox ToAmpBox()
    {
        var box = new AmpBox(Count);
        foreach (AmpBoxEntry entry in this)
        {
            box.Set(entry.Key, entry.Value);
        }

        return box;
    }

    /// <summary>Enumerates the key/value pairs in wire order.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(Bytes.Span);

    /// <summary>Returns a pooled copy, if the box needed one.</summary>
    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }
    }

    /// <summary>Walks the key/value pairs of a complete, already validated box.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private int _position;

        internal Enumerator(ReadOnlySpan<byte> bytes)
        {
            _bytes = bytes;
            _position = 0;
            Current = default;
            ValueOffset = 0;
        }

        /// <summary>The current pair.</summary>
        public AmpBoxEntry Current { get; private set; }

        /// <summary>Where the current value starts in the box's bytes.</summary>
        internal int ValueOffset { get; private set; }

        /// <summary>Moves to the next pair.</summary>
        /// <returns><see langword="false"/> at the end marker.</returns>
        public bool MoveNext()
        {
            if (_bytes.Length - _position < 2)
            {
                return false;
            }

            int keyLength = BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(_position));
            if (keyLength == 0)
            {
                return false;
            }

            int keyStart = _position + 2;
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(_bytes.Slice(keyStart + keyLength));
            int valueStart = keyStart + keyLength + 2;
            Current = new AmpBoxEntry(_bytes.Slice(keyStart, keyLength), _bytes.Slice(valueStart, valueLength));
            ValueOffset = valueStart;
            _position = valueStart + valueLength;
            return true;
        }
    }
}
