using System.Buffers.Binary;

namespace Amp.Boxes;

/// <summary>
/// A parsed box that points into the received bytes instead of copying them. Enumerating it walks
/// the key/value pairs in wire order; lookups follow Twisted's rule that the last duplicate key wins.
/// </summary>
/// <remarks>
/// <para>
/// A view is a <see langword="ref"/> struct, as <see cref="System.Text.Json.Utf8JsonReader"/> is: it lives
/// on the stack of the code that read it and cannot be stored in a field, captured or kept across an
/// <see langword="await"/>, because the bytes it points into are released when that code moves on. To keep
/// a box, copy it with <see cref="ToAmpBox"/> (or copy <see cref="Bytes"/>).
/// </para>
/// <para>
/// Dispose it when done: a box that spanned several buffer segments was copied into pooled memory, which
/// the first <see cref="Dispose"/> returns. Disposing again, from the same view or from any copy of it,
/// does nothing; reading a disposed view that held pooled memory (<see cref="Bytes"/>,
/// <see cref="TryGetValue"/>, enumerating, ...) throws <see cref="ObjectDisposedException"/>, so it can
/// never see memory the pool has handed to someone else. A view that points straight into the reader's
/// buffer holds nothing to return; it stays readable until that buffer is advanced past it, the rule of
/// <see cref="System.IO.Pipelines.ReadResult.Buffer"/>. Dispose and read from one thread at a time.
/// </para>
/// </remarks>
public readonly ref struct AmpBoxView : IDisposable
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly PooledBoxCopy? _owner;
    private readonly int _version;

    /// <summary>A view of bytes it does not own (the reader's buffer, or an array nobody pools).</summary>
    internal AmpBoxView(ReadOnlyMemory<byte> bytes, int count)
    {
        _bytes = bytes;
        Count = count;
    }

    /// <summary>A view of a pooled copy, valid while <paramref name="owner"/> is at <paramref name="version"/>.</summary>
    internal AmpBoxView(ReadOnlyMemory<byte> bytes, int count, PooledBoxCopy owner, int version)
    {
        _bytes = bytes;
        Count = count;
        _owner = owner;
        _version = version;
    }

    /// <summary>The box's bytes on the wire, end marker included.</summary>
    /// <exception cref="ObjectDisposedException">The view held a pooled copy and was disposed.</exception>
    public ReadOnlyMemory<byte> Bytes
    {
        get
        {
            _owner?.ThrowIfStale(_version);
            return _bytes;
        }
    }

    /// <summary>The number of key/value pairs, duplicates included.</summary>
    public int Count { get; }

    /// <summary>Finds the value of <paramref name="key"/>; with duplicate keys, the last one wins.</summary>
    /// <param name="key">The key's bytes.</param>
    /// <param name="value">The value's bytes.</param>
    /// <returns><see langword="true"/> if the key is present.</returns>
    /// <exception cref="ObjectDisposedException">The view held a pooled copy and was disposed.</exception>
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
    /// <exception cref="ObjectDisposedException">The view held a pooled copy and was disposed.</exception>
    public bool ContainsKey(ReadOnlySpan<byte> key) => TryGetValue(key, out _);

    /// <summary>Copies the box into an <see cref="AmpBox"/> that owns its keys and values.</summary>
    /// <returns>A new box.</returns>
    /// <exception cref="ObjectDisposedException">The view held a pooled copy and was disposed.</exception>
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
    /// <exception cref="ObjectDisposedException">The view held a pooled copy and was disposed.</exception>
    public Enumerator GetEnumerator() => new(Bytes.Span);

    /// <summary>
    /// Returns the pooled copy, if the box needed one. Only the first call, from this view or any copy of
    /// it, returns anything; later calls do nothing.
    /// </summary>
    public void Dispose() => _owner?.Return(_version);

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
