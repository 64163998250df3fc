using System.IO.Compression;
using System.IO.Pipelines;

namespace Amp.Compression.Framing;

/// <summary>
/// What a compression layer's <see cref="CompressionLayer.Input"/> reads: the peer's frames, decompressed.
/// Decompression is pulled by the reader above: each read inflates at most the bytes it asks for, so a
/// small frame that inflates to gigabytes (a decompression bomb) costs only what the reader above takes,
/// and that reader's own limits (AMP's box size) end the connection long before memory grows.
/// </summary>
/// <remarks>
/// It ends (a read returns 0) when the Deflate stream's final block has been read and the end frame after
/// it; or when the pipe below ended between frames (the peer closed the connection without ending the
/// layer, which the reader above reports as a close). Ending inside a frame is reported as a close (<see cref="AmpDisconnectReason.RemoteClosed"/>); bad data is an
/// <see cref="AmpCompressionException"/>.
/// </remarks>
internal sealed class DecompressingStream : AsyncReadStream
{
    private readonly FrameSource _frames;
    private readonly DeflateStream _inflater;
    private long _bytesOut;
    private bool _inflaterDone;
    private bool _finished;

    public DecompressingStream(PipeReader below, int maxFrameBytes)
    {
        _frames = new FrameSource(below, maxFrameBytes);
        _inflater = new DeflateStream(_frames, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>The frames read from below.</summary>
    public FrameSource Frames => _frames;

    /// <summary>How many decompressed bytes were handed to the reader above.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_finished || destination.IsEmpty)
        {
            return 0;
        }

        if (!_inflaterDone)
        {
            int read;
            try
            {
                read = await _inflater.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e) when (!_frames.BelowEnded)
            {
                throw new AmpCompressionException($"The peer's compressed data is not valid Deflate: {e.Message}", e);
            }
            catch (InvalidDataException) when (_frames.BelowEndedInsideFrame)
            {
                throw EndedInsideFrame();
            }
            catch (InvalidDataException)
            {
                // The peer closed the connection between frames: a close, as for any layer below.
                _finished = true;
                return 0;
            }

            if (read > 0)
            {
                Interlocked.Add(ref _bytesOut, read);
                return read;
            }

            _inflaterDone = true;
            if (_frames.BelowEndedInsideFrame)
            {
                throw EndedInsideFrame();
            }

            if (_frames.BelowEnded)
            {
                _finished = true;
                return 0;
            }

            if (_frames.Ended)
            {
                throw new AmpCompressionException("The peer ended the compression layer (end frame) before the final block of its Deflate stream.");
            }

            if (_frames.InsideFrame)
            {
                throw new AmpCompressionException("The peer sent data after the final block of its Deflate stream, in the same frame.");
            }
        }

        // The final Deflate block has been read: the next frame must be the end frame. (A read cancelled
        // here comes back to this point: the decompressor is done.)
        int after = await _frames.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false);
        if (after > 0)
        {
            throw new AmpCompressionException("The peer sent a frame after the final block of its Deflate stream, instead of the end frame.");
        }

        if (_frames.BelowEndedInsideFrame)
        {
            throw EndedInsideFrame();
        }

        _finished = true;
        return 0;
    }

    /// <remarks>
    /// Never while a read runs on another thread: freeing zlib's state under a running inflate crashes the process
    /// (SIGSEGV). <see cref="CompressionLayer.DisposeAsync"/> waits for the read first.
    /// </remarks>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater.Dispose();
            _frames.Dispose();
        }

        base.Dispose(disposing);
    }

    // A cut frame is a cut connection, reported as a close as for a box cut short (AmpDisconnectReason.RemoteClosed).
    private static AmpLayerException EndedInsideFrame() =>
        new(AmpDisconnectReason.RemoteClosed, "The peer closed the connection in the middle of a compression frame.");
}
