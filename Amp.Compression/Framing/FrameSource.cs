using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Compression.Framing;

/// <summary>
/// The <see cref="Stream"/> a decompressing <see cref="System.IO.Compression.DeflateStream"/> reads: the
/// payloads of the frames in the pipe below, one frame at a time. Each read returns at most the rest of
/// the current frame, and the pipe below is advanced exactly past the bytes returned, so the decompressor
/// never takes bytes past the frame it is decoding and, once the end frame is read, whatever follows it is
/// still in the pipe below for the layer a pop reveals. A frame's length is checked against the limit as
/// soon as its header is readable, before anything else of it is waited for.
/// </summary>
internal sealed class FrameSource : AsyncReadStream
{
    private readonly PipeReader _below;
    private readonly int _maxFrameBytes;
    private long _remainingInFrame;
    private long _bytesRead;
    private long _frames;

    public FrameSource(PipeReader below, int maxFrameBytes)
    {
        _below = below;
        _maxFrameBytes = maxFrameBytes;
    }

    /// <summary>Whether the end frame was read: the layer ended here, the pipe below is positioned right after it.</summary>
    public bool Ended { get; private set; }

    /// <summary>Whether the pipe below ended before the end frame (the peer closed the connection).</summary>
    public bool BelowEnded { get; private set; }

    /// <summary>Whether the pipe below ended in the middle of a frame.</summary>
    public bool BelowEndedInsideFrame { get; private set; }

    /// <summary>How many bytes were taken from the pipe below, frame headers included.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>How many frames were read, the end frame included.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Whether bytes of the current frame are still unread.</summary>
    public bool InsideFrame => _remainingInFrame > 0;

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (Ended || BelowEnded)
            {
                return 0;
            }

            ReadResult result = await _below.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = buffer.Start;

            // What was looked at: everything, unless a read returns; then only what it consumed, so the
            // next read (ours, or the revealed layer's after the end frame) sees the rest at once.
            SequencePosition examined = buffer.End;
            try
            {
                if (_remainingInFrame == 0)
                {
                    if (buffer.Length < CompressionFrame.HeaderLength)
                    {
                        EndedOrCancelled(result, insideFrame: !buffer.IsEmpty);
                        continue;
                    }

                    Span<byte> header = stackalloc byte[CompressionFrame.HeaderLength];
                    buffer.Slice(0, CompressionFrame.HeaderLength).CopyTo(header);
                    uint length = CompressionFrame.ReadHeader(header);
                    if (length > (uint)_maxFrameBytes)
                    {
                        throw new AmpCompressionException(
                            $"The peer sent a compression frame of {length} bytes; the limit is {_maxFrameBytes} (CompressionLayerOptions.MaxFrameBytes).");
                    }

                    buffer = buffer.Slice(CompressionFrame.HeaderLength);
                    consumed = buffer.Start;
                    Interlocked.Add(ref _bytesRead, CompressionFrame.HeaderLength);
                    Interlocked.Increment(ref _frames);
                    if (length == 0)
                    {
                        Ended = true;
                        examined = consumed;
                        return 0;
                    }

                    _remainingInFrame = length;
                }

                if (destination.IsEmpty)
                {
                    // A zero-byte read waits for data without taking any.
                    if (buffer.IsEmpty)
                    {
                        EndedOrCancelled(result, insideFrame: true);
                        if (!BelowEnded)
                        {
                            continue;
                        }
                    }

                    examined = consumed;
                    return 0;
                }

                if (buffer.IsEmpty)
                {
                    EndedOrCancelled(result, insideFrame: true);
                    continue;
                }

                int taken = (int)Math.Min(Math.Min(buffer.Length, _remainingInFrame), destination.Length);
                buffer.Slice(0, taken).CopyTo(destination.Span);
                consumed = examined = buffer.GetPosition(taken);
                _remainingInFrame -= taken;
                Interlocked.Add(ref _bytesRead, taken);
                return taken;
            }
            finally
            {
                // Consume exactly the header and the payload bytes taken, never past the frame.
                _below.AdvanceTo(consumed, examined);
            }
        }
    }

    // The decompressor is only ever driven through its asynchronous methods: a synchronous read would block a thread on the pipe.

    /// <summary>Nothing complete was readable: records the end of the pipe below, or reports a cancelled read.</summary>
    private void EndedOrCancelled(ReadResult result, bool insideFrame)
    {
        if (result.IsCompleted)
        {
            BelowEnded = true;
            BelowEndedInsideFrame = insideFrame || _remainingInFrame > 0;
        }
        else if (result.IsCanceled)
        {
            throw new OperationCanceledException("A read of the pipe below the compression layer was cancelled.");
        }
    }
}
