namespace Amp.Streams;

/// <summary>
/// An incoming stream as a <see cref="Stream"/>: reads copy from the stream's pipe, or, when the pipe is
/// empty, wait for the next chunk to be copied straight into their buffer by the read loop (one copy
/// fewer per byte for a reader that keeps up). Disposing it stops the sender.
/// </summary>
internal sealed class IncomingByteStream : ReadOnlyStream
{
    private readonly IncomingStream _incoming;

    public IncomingByteStream(IncomingStream incoming)
    {
        _incoming = incoming;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_incoming.TryRead(out System.IO.Pipelines.ReadResult result))
            {
                int count = (int)Math.Min(buffer.Length, result.Buffer.Length);
                System.Buffers.BuffersExtensions.CopyTo(result.Buffer.Slice(0, count), buffer.Span);
                _incoming.AdvanceTo(result.Buffer.GetPosition(count));
                if (count > 0 || result.IsCompleted)
                {
                    return count;
                }
            }

            Task<int>? direct = _incoming.WaitForChunk(buffer, cancellationToken);
            if (direct is not null)
            {
                return await direct.ConfigureAwait(false);
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // A blocking read could hold up the very read loop that delivers the stream's bytes (a responder runs on it until its first await).
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Read an AMP stream asynchronously (ReadAsync, CopyToAsync): a blocking read can hold up the connection's read loop, which delivers its bytes.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _incoming.Complete();
        }

        base.Dispose(disposing);
    }
}
