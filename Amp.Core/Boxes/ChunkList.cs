namespace Amp.Boxes;

/// <summary>
/// The chunks of one big value in a received box, in order: found in two passes over the box's keys,
/// assembled by one copy per chunk into a destination allocated once, whatever order the keys came in.
/// </summary>
internal readonly ref struct ChunkList
{
    private readonly ReadOnlySpan<byte> _box;
    private readonly ReadOnlySpan<long> _chunks;

    private ChunkList(ReadOnlySpan<byte> box, ReadOnlySpan<long> chunks, int length)
    {
        _box = box;
        _chunks = chunks;
        Length = length;
    }

    /// <summary>The assembled value's length in bytes.</summary>
    public int Length { get; }

    /// <summary>The number of chunks (at least 1: the value under its name).</summary>
    public int Count => _chunks.Length;

    /// <summary>
    /// First pass: whether <paramref name="name"/> is present, and how many keys look like its chunks
    /// (each takes at least 10 bytes of the box, so the table sized from them stays below the box's size).
    /// </summary>
    /// <returns>The number of keys to size the table of <see cref="Locate"/> for, or -1 if <paramref name="name"/> is absent.</returns>
    public static int CountCandidates(ReadOnlySpan<byte> box, ReadOnlySpan<byte> name)
    {
        bool found = false;
        int candidates = 0;
        var entries = new AmpBoxView.Enumerator(box);
        while (entries.MoveNext())
        {
            ReadOnlySpan<byte> key = entries.Current.Key;
            if (key.Length == name.Length)
            {
                found |= key.SequenceEqual(name);
            }
            else if (ChunkKeys.ParseIndex(key, name) != 0)
            {
                candidates++;
            }
        }

        return found ? candidates : -1;
    }

    /// <summary>
    /// Second pass: the chunks of <paramref name="name"/>, from the name itself up to the first missing
    /// index. Later indexes, and keys the recipe would not look up, are ignored; with a repeated key the
    /// last one wins, as in Twisted's dictionary.
    /// </summary>
    /// <param name="box">The complete box.</param>
    /// <param name="name">The value's key, known to be present.</param>
    /// <param name="table">Scratch of at least <see cref="CountCandidates"/> + 2 entries.</param>
    public static ChunkList Locate(ReadOnlySpan<byte> box, ReadOnlySpan<byte> name, Span<long> table)
    {
        // A run up to index k needs k - 1 distinct chunk keys: no index above candidates + 1 can be reached.
        int last = table.Length - 1;
        table.Fill(-1);
        var entries = new AmpBoxView.Enumerator(box);
        while (entries.MoveNext())
        {
            ReadOnlySpan<byte> key = entries.Current.Key;
            int index = key.Length == name.Length ? (key.SequenceEqual(name) ? 1 : 0) : ChunkKeys.ParseIndex(key, name);
            if (index != 0 && index <= last)
            {
                table[index] = ((long)entries.ValueOffset << 32) | (uint)entries.Current.Value.Length;
            }
        }

        long length = 0;
        int count = 1;
        while (count <= last && table[count] >= 0)
        {
            length += (int)table[count];
            count++;
        }

        // The chunks lie inside one box, so their sum is below the box's int length.
        return new ChunkList(box, table.Slice(1, count - 1), (int)length);
    }

    /// <summary>Copies the chunks, in order, into <paramref name="destination"/> (at least <see cref="Length"/> bytes).</summary>
    public void CopyTo(Span<byte> destination)
    {
        int position = 0;
        foreach (long chunk in _chunks)
        {
            int length = (int)(uint)chunk;
            _box.Slice((int)(chunk >> 32), length).CopyTo(destination.Slice(position));
            position += length;
        }
    }
}
