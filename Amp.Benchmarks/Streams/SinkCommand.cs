namespace Amp.Benchmarks.Streams;

/// <summary>Sends a stream that the responder reads and drops; answers with its length.</summary>
[AmpCommand("Sink")]
public sealed class SinkCommand : IAmpCommand<BulkResult>
{
    [AmpArgument("data")]
    public Stream Data { get; init; } = Stream.Null;
}

/// <summary>The responder of <see cref="SinkCommand"/>: reads the stream into 64 KiB reads and drops it; answers with its length in KiB.</summary>
internal static class SinkResponder
{
    public static async Task<BulkResult> DrainAsync(SinkCommand sink)
    {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await sink.Data.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return new BulkResult { Length = (int)(total >> 10) };
    }
}

/// <summary>An endless (or bounded) source that hands out its buffer as it is, without filling it: the cost measured is the transport's.</summary>
internal sealed class UnfilledStream : Stream
{
    private readonly long _length;
    private long _remaining;

    public UnfilledStream(long length)
    {
        _length = length;
        _remaining = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position { get => _length - Interlocked.Read(ref _remaining); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Take(count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Take(buffer.Length));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Take(int count)
    {
        int taken = (int)Math.Min(count, _remaining);
        Interlocked.Add(ref _remaining, -taken);
        return taken;
    }
}
