using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Compression.Framing;

/// <summary>
/// The <see cref="Stream"/> a compressing <see cref="System.IO.Compression.DeflateStream"/> writes into:
/// it collects the compressed bytes and writes them to the pipe below as frames of at most
/// <see cref="CompressionFrame.MaxWrittenPayload"/> bytes. Nothing is flushed here; the layer's writer
/// calls <see cref="Commit"/> after each Deflate sync flush and then flushes the pipe below.
/// </summary>
/// <remarks>Only ever written synchronously: the bytes go into the pipe's buffer, there is no I/O.</remarks>
internal sealed class FrameSink : Stream
{
    private readonly PipeWriter _below;
    private byte[]? _frame = ArrayPool<byte>.Shared.Rent(CompressionFrame.MaxWrittenPayload);
    private int _filled;
    private bool _discarding;
    private long _bytesWritten;

    public FrameSink(PipeWriter below)
    {
        _below = below;
    }

    /// <summary>How many bytes went to the pipe below, frame headers included.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public override bool CanRead => false;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Writes the bytes collected so far as one frame (nothing if there are none: a data frame is never empty).</summary>
    public void Commit()
    {
        if (_filled == 0 || _discarding)
        {
            return;
        }

        byte[] frame = _frame ?? throw new ObjectDisposedException(nameof(FrameSink));
        Span<byte> header = _below.GetSpan(CompressionFrame.HeaderLength);
        CompressionFrame.WriteHeader(header, _filled);
        _below.Advance(CompressionFrame.HeaderLength);
        _below.Write(frame.AsSpan(0, _filled));
        Interlocked.Add(ref _bytesWritten, CompressionFrame.HeaderLength + _filled);
        _filled = 0;
    }

    /// <summary>Writes the end frame, after committing what is collected.</summary>
    public void WriteEndFrame()
    {
        Commit();
        Span<byte> header = _below.GetSpan(CompressionFrame.HeaderLength);
        CompressionFrame.WriteHeader(header, 0);
        _below.Advance(CompressionFrame.HeaderLength);
        Interlocked.Add(ref _bytesWritten, CompressionFrame.HeaderLength);
    }

    /// <summary>
    /// From now on, drops whatever the compressor writes: disposing a compressing
    /// <see cref="System.IO.Compression.DeflateStream"/> writes its final block, which must not reach
    /// the pipe below when the layer is released without closing (the pipe may carry other bytes by then).
    /// </summary>
    public void Discard() => _discarding = true;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_discarding)
        {
            return;
        }

        byte[] frame = _frame ?? throw new ObjectDisposedException(nameof(FrameSink));
        while (!buffer.IsEmpty)
        {
            int count = Math.Min(buffer.Length, CompressionFrame.MaxWrittenPayload - _filled);
            buffer.Slice(0, count).CopyTo(frame.AsSpan(_filled));
            _filled += count;
            buffer = buffer.Slice(count);
            if (_filled == CompressionFrame.MaxWrittenPayload)
            {
                Commit();
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        // Framing decides when bytes leave: see Commit.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _frame is { } frame)
        {
            _frame = null;
            ArrayPool<byte>.Shared.Return(frame);
        }

        base.Dispose(disposing);
    }
}
