using System.Buffers;

namespace Amp.Boxes;

/// <summary>
/// The incremental box parser. Synchronous, no I/O: it looks at what is buffered and advances
/// the buffer only past a complete box, so bytes after a box stay where they are for whoever reads next.
/// </summary>
public static class BoxReader
{
    /// <summary>
    /// Reads one box from the start of <paramref name="buffer"/> without allocating (unless the box spans
    /// buffer segments, in which case it is copied into pooled memory that the first <see cref="AmpBoxView.Dispose"/> returns).
    /// </summary>
    /// <param name="buffer">The buffered bytes; on success, advanced past the box; otherwise unchanged.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <param name="box">The box, valid until the buffer's bytes are released and until it is disposed.</param>
    /// <returns><see langword="true"/> if a complete box was read.</returns>
    /// <exception cref="AmpProtocolException">The buffered bytes break a limit; the stream cannot be parsed further.</exception>
    public static bool TryReadBox(scoped ref ReadOnlySequence<byte> buffer, AmpLimits limits, out AmpBoxView box)
    {
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        int length = BoxScanner.Scan(first, limits, out int keyCount);
        if (length >= 0)
        {
            box = new AmpBoxView(buffer.First.Slice(0, length), keyCount);
            buffer = buffer.Slice(length);
            return true;
        }

        if (buffer.IsSingleSegment)
        {
            box = default;
            return false;
        }

        long sequenceLength = BoxScanner.Scan(buffer, limits, out keyCount);
        if (sequenceLength < 0)
        {
            box = default;
            return false;
        }

        int boxLength = (int)sequenceLength;
        PooledBoxCopy owner = PooledBoxCopy.Rent(boxLength, out int version, out byte[] copy);
        buffer.Slice(0, boxLength).CopyTo(copy);
        box = new AmpBoxView(copy.AsMemory(0, boxLength), keyCount, owner, version);
        buffer = buffer.Slice(boxLength);
        return true;
    }

    /// <summary>Reads one box into a new <see cref="AmpBox"/>; see <see cref="TryReadBox(ref ReadOnlySequence{byte}, AmpLimits, out AmpBoxView)"/>.</summary>
    /// <param name="buffer">The buffered bytes; on success, advanced past the box; otherwise unchanged.</param>
    /// <param name="limits">The limits to enforce.</param>
    /// <param name="box">The box, which owns copies of its keys and values.</param>
    /// <returns><see langword="true"/> if a complete box was read.</returns>
    /// <exception cref="AmpProtocolException">The buffered bytes break a limit.</exception>
    public static bool TryReadBox(ref ReadOnlySequence<byte> buffer, AmpLimits limits, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AmpBox? box)
    {
        if (TryReadBox(ref buffer, limits, out AmpBoxView view))
        {
            using (view)
            {
                box = view.ToAmpBox();
            }

            return true;
        }

        box = null;
        return false;
    }
}
