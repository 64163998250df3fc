using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;

namespace Amp.Compression.Framing;

/// <summary>
/// A compression layer's <see cref="CompressionLayer.Output"/>. Bytes written are staged, compressed into
/// the Deflate stream when the staging buffer fills, and on every <see cref="FlushAsync"/> compressed with
/// a Deflate sync flush, framed and flushed to the pipe below: whatever was flushed here is decodable by
/// the peer from the frames it has received, without waiting for anything more.
/// </summary>
/// <remarks>
/// One writer at a time, as for any <see cref="PipeWriter"/>. The lock only keeps the compressor from being
/// released (<see cref="Release"/>) in the middle of a write on another thread while a connection closes.
/// </remarks>
internal sealed class CompressingWriter : PipeWriter
{
    private const int StagingSize = 16 * 1024;

    private static ReadOnlySpan<byte> EmptyFinalBlock => [0x03, 0x00];

    private readonly PipeWriter _below;
    private readonly FrameSink _sink;
    private readonly DeflateStream _deflate;
    private readonly Lock _lock = new();
    private byte[]? _staging;
    private int _staged;
    private long _bytesIn;
    private WriterState _state;

    public CompressingWriter(PipeWriter below, CompressionLevel level)
    {
        _below = below;
        _sink = new FrameSink(below);
        _deflate = new DeflateStream(_sink, level, leaveOpen: true);
        _staging = ArrayPool<byte>.Shared.Rent(StagingSize);
    }

    private enum WriterState
    {
        Open,
        Completed,
        Ended,
        Released,
    }

    /// <summary>How many uncompressed bytes were written to this writer and compressed.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>How many bytes went to the pipe below, frame headers included.</summary>
    public long BytesOut => _sink.BytesWritten;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_lock)
        {
            byte[] staging = OpenStaging();
            if (bytes > staging.Length - _staged)
            {
                throw new InvalidOperationException($"Cannot advance {bytes} bytes: only {staging.Length - _staged} were handed out by GetMemory or GetSpan.");
            }

            _staged += bytes;
        }
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        lock (_lock)
        {
            byte[] staging = OpenStaging();
            int needed = Math.Max(sizeHint, 1);
            if (staging.Length - _staged < needed)
            {
                CompressStaged();
                if (staging.Length < needed)
                {
                    ArrayPool<byte>.Shared.Return(staging);
                    _staging = staging = ArrayPool<byte>.Shared.Rent(needed);
                }
            }

            return staging.AsMemory(_staged);
        }
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            OpenStaging();
            CompressStaged();

            // A Deflate sync flush (it writes nothing when nothing was written since the last one).
            _deflate.Flush();
            _sink.Commit();
        }

        return await _below.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void CancelPendingFlush() => _below.CancelPendingFlush();

    /// <summary>Ends writing to this writer; the layer below stays open and no end frame is written (see <see cref="TryWriteEnd"/>).</summary>
    public override void Complete(Exception? exception = null)
    {
        lock (_lock)
        {
            if (_state == WriterState.Open)
            {
                _state = WriterState.Completed;
            }
        }
    }

    /// <summary>
    /// Compresses what is staged, ends the Deflate stream with its final block and writes the end frame to
    /// the pipe below (unflushed); nothing more may be written. False if it was already written, or the
    /// writer was released.
    /// </summary>
    public bool TryWriteEnd()
    {
        lock (_lock)
        {
            if (_state is WriterState.Ended or WriterState.Released)
            {
                return false;
            }

            CompressStaged();
            _state = WriterState.Ended;
            if (_bytesIn == 0)
            {
                // A DeflateStream never written to ends without a final block; the peer's reader requires one,
                // so the layer ends with the empty final block zlib itself writes (fixed Huffman, end of block).
                _sink.Write(EmptyFinalBlock);
            }

            _deflate.Dispose();
            _sink.WriteEndFrame();
            return true;
        }
    }

    /// <summary>Releases the compressor and the buffers without writing anything more below.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (_state == WriterState.Released)
            {
                return;
            }

            // A writer still open may hold the staging memory GetMemory handed out (a connection torn down
            // mid-write): back in the pool, another renter's data would be overwritten, so it is left to the GC.
            bool writerDone = _state != WriterState.Open;
            _state = WriterState.Released;
            _sink.Discard();
            _deflate.Dispose();
            _sink.Dispose();
            if (_staging is { } staging)
            {
                _staging = null;
                if (writerDone)
                {
                    ArrayPool<byte>.Shared.Return(staging);
                }
            }
        }
    }

    private byte[] OpenStaging() => _state == WriterState.Open && _staging is { } staging
        ? staging
        : throw new InvalidOperationException(_state == WriterState.Completed
            ? "The compression layer's output was completed."
            : "The compression layer's writing side is closed: it sent its end frame, or the layer was released.");

    private void CompressStaged()
    {
        if (_staged == 0)
        {
            return;
        }

        _deflate.Write(_staging.AsSpan(0, _staged));
        Interlocked.Add(ref _bytesIn, _staged);
        _staged = 0;
    }
}
