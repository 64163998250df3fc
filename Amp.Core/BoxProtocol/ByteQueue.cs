namespace Amp.BoxProtocol;

/// <summary>A growable run of bytes waiting to be written; reused between batches.</summary>
internal sealed class ByteQueue
{
    private const int InitialSize = 4096;
    private const int RetainedSize = 1024 * 1024;

    private byte[] _buffer = new byte[InitialSize];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffer.Length - Length < bytes.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes.Length));
        }

        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>
    /// Takes the bytes written to <paramref name="box"/> without copying them, when nothing is queued:
    /// the arrays are exchanged, and <paramref name="box"/> goes on with this queue's empty one.
    /// </summary>
    public void TakeFrom(Boxes.BoxBuffer box)
    {
        int length = box.Length;
        _buffer = box.ExchangeBuffer(_buffer);
        Length = length;
    }

    /// <summary>Keeps only the bytes from <paramref name="start"/> on, moved to the front.</summary>
    public void RemoveFront(int start)
    {
        _buffer.AsSpan(start, Length - start).CopyTo(_buffer);
        Length -= start;
    }

    /// <summary>Keeps only the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => Length = Math.Min(Length, length);

    public void Clear()
    {
        Length = 0;
        if (_buffer.Length > RetainedSize)
        {
            _buffer = new byte[InitialSize];
        }
    }
}
