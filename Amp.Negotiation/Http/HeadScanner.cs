using System.Buffers;

namespace Amp.Negotiation.Http;

/// <summary>How far a head (CRLF lines ended by an empty line) has arrived.</summary>
internal enum HeadScan
{
    /// <summary>Not complete yet; more bytes may complete it.</summary>
    Incomplete,

    /// <summary>Complete: the empty line has been read.</summary>
    Complete,

    /// <summary>A line ended with a bare LF (every line must end with CR LF).</summary>
    Malformed,

    /// <summary>The head cannot end within the byte limit, or has more lines than allowed.</summary>
    TooLarge,
}

/// <summary>
/// Finds the end of a head (an HTTP request or answer head, or a Hello or Decision block: lines ended by CR LF,
/// then an empty line) in bytes that arrive in any pieces. It resumes where the last call stopped, so bytes
/// arriving one at a time cost a linear scan in all; limits are checked before anything is waited for.
/// </summary>
internal struct HeadScanner
{
    private readonly int _maxBytes;
    private readonly int _maxLines;
    private long _scanned;
    private int _lines;

    /// <param name="maxBytes">The most bytes the head may take, its empty line included.</param>
    /// <param name="maxLines">The most non-empty lines it may have.</param>
    public HeadScanner(int maxBytes, int maxLines)
    {
        _maxBytes = maxBytes;
        _maxLines = maxLines;
    }

    /// <summary>Scans <paramref name="buffer"/> (the head from its first byte; the same bytes as the last call, maybe more).</summary>
    /// <param name="buffer">What has arrived.</param>
    /// <param name="length">The head's length, its empty line included, when complete.</param>
    /// <returns>Where the head stands.</returns>
    public HeadScan Scan(in ReadOnlySequence<byte> buffer, out long length)
    {
        length = 0;
        while (true)
        {
            ReadOnlySequence<byte> rest = buffer.Slice(_scanned);
            SequencePosition? lf = rest.PositionOf((byte)'\n');
            if (lf is null)
            {
                // A terminating LF can now only come at or past buffer.Length.
                return buffer.Length >= _maxBytes ? HeadScan.TooLarge : HeadScan.Incomplete;
            }

            long lineLength = rest.Slice(0, lf.Value).Length;
            if (_scanned + lineLength + 1 > _maxBytes)
            {
                return HeadScan.TooLarge;
            }

            if (lineLength == 0 || rest.Slice(lineLength - 1, 1).FirstSpan[0] != (byte)'\r')
            {
                return HeadScan.Malformed;
            }

            _scanned += lineLength + 1;
            if (lineLength == 1)
            {
                length = _scanned;
                return HeadScan.Complete;
            }

            if (++_lines > _maxLines)
            {
                return HeadScan.TooLarge;
            }
        }
    }
}
