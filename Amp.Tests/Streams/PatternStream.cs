namespace Amp.Tests.Streams;

/// <summary>A read-only stream of a given length of pseudo-random bytes from a seed; can fail part way.</summary>
internal sealed class PatternStream : Stream
{
    private readonly long _length;
    private readonly long _failAt;
    private readonly Random _random;
    private long _position;

    public PatternStream(long length, int seed, long failAt = 0)
    {
        _length = length;
        _failAt = failAt;
        _random = new Random(seed);
    }

    public TaskCompletionSource? Disposed { get; init; }

    /// <summary>Bytes handed out so far.</summary>
    public long Position2 => Interlocked.Read(ref _position);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public static byte[] Expected(long length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_failAt > 0 && _position >= _failAt)
        {
            throw new IOException("the source failed on purpose");
        }

        int count = (int)Math.Min(buffer.Length, _length - _position);
        if (_failAt > 0)
        {
            count = (int)Math.Min(count, _failAt - _position);
        }

        _random.NextBytes(buffer.Slice(0, count));
        Interlocked.Add(ref _position, count);
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed?.TrySetResult();
        base.Dispose(disposing);
    }
}
