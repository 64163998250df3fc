namespace Amp.Tests.Tool;

/// <summary>A read-only stream that returns its bytes in the pieces given: each read ends at the next cut.</summary>
internal sealed class SplitStream(byte[] data, IEnumerable<int> cuts) : Stream
{
    private readonly Queue<int> _cuts = new(cuts.Where(c => c > 0 && c < data.Length).Distinct().Order());
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>One byte per read.</summary>
    public static SplitStream BytePerRead(byte[] data) => new(data, Enumerable.Range(1, data.Length));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_cuts.Count > 0 && _cuts.Peek() <= _position)
        {
            _cuts.Dequeue();
        }

        int end = _cuts.Count > 0 ? _cuts.Peek() : data.Length;
        int length = Math.Min(buffer.Length, end - _position);
        data.AsSpan(_position, length).CopyTo(buffer);
        _position += length;
        return length;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
