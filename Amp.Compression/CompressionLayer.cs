using System.IO.Pipelines;
using Amp.Compression.Framing;
using Amp.Layers;

namespace Amp.Compression;

/// <summary>
/// A Deflate compression layer over any byte pipe (spec/amp-wire.md §12b). What is written to
/// <see cref="Output"/> is compressed into one raw Deflate stream (RFC 1951) and sent to the pipe below in
/// length-prefixed frames; each flush of <see cref="Output"/> ends with a Deflate sync flush, so the peer
/// can decode everything flushed so far at once. <see cref="Input"/> is the peer's frames, decompressed.
/// </summary>
/// <remarks>
/// <para>
/// Popping: <see cref="CloseWritingAsync"/> ends the Deflate stream with its final block and writes the end
/// frame (a zero length); the peer's end frame ends <see cref="Input"/>. The layer reads the pipe below one
/// frame at a time and never past the end frame, so whatever the peer wrote after it is still in
/// <see cref="Below"/> for the layer the pop reveals, nothing lost and nothing duplicated.
/// </para>
/// <para>
/// Limits: a frame longer than <see cref="CompressionLayerOptions.MaxFrameBytes"/> is refused as soon as its
/// length is read. Decompression is driven by the reads of <see cref="Input"/>: a read inflates at most the
/// bytes it has room for, so decompressed data never piles up beyond what the reader above buffers (AMP's box
/// reader stops at its box size limit), however much a frame would inflate to.
/// </para>
/// <para>
/// Failures: bad input from the peer (an oversized frame, invalid Deflate data, a frame after the final
/// block) makes reads of <see cref="Input"/> throw <see cref="AmpCompressionException"/>
/// (<see cref="AmpDisconnectReason.ProtocolViolation"/>). The pipe below ending between frames ends
/// <see cref="Input"/> as a close would; ending inside a frame throws an <see cref="AmpLayerException"/>
/// with <see cref="AmpDisconnectReason.RemoteClosed"/>. Failures of the pipe below pass through unchanged.
/// </para>
/// <para>
/// Concurrency: one read of <see cref="Input"/> and one write to <see cref="Output"/> may run at the same
/// time (the <see cref="PipeReader"/> and <see cref="PipeWriter"/> rules); <see cref="CloseWritingAsync"/>
/// counts as a write.
/// </para>
/// </remarks>
public sealed class CompressionLayer : AmpLayer
{
    private const int InputBufferSize = 16 * 1024;

    private readonly CompressingWriter _output;
    private readonly DecompressingStream _decompressing;
    private readonly ReadTrackingPipeReader _input;
    private int _disposed;

    /// <summary>
    /// Starts compressing over <paramref name="below"/>. Nothing is read or written until the layer is used;
    /// the peer must start its own layer at the same point of the byte stream (AMP's StartCompression
    /// command arranges that). The layer never completes <paramref name="below"/>.
    /// </summary>
    /// <param name="below">The pipe to compress over, positioned where the peer's first frame will arrive.</param>
    /// <param name="options">This side's settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="below"/> is <see langword="null"/>.</exception>
    public CompressionLayer(IDuplexPipe below, CompressionLayerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(below);
        Below = below;
        Options = options ?? new CompressionLayerOptions();
        _output = new CompressingWriter(below.Output, Options.Level);
        _decompressing = new DecompressingStream(below.Input, Options.MaxFrameBytes);
        _input = new ReadTrackingPipeReader(
            PipeReader.Create(_decompressing, new StreamPipeReaderOptions(bufferSize: InputBufferSize, minimumReadSize: InputBufferSize / 4, leaveOpen: true)));
    }

    /// <summary>The pipe this layer runs over. After the layer is popped, the bytes that followed the peer's end frame are read from it.</summary>
    public IDuplexPipe Below { get; }

    /// <summary>The settings the layer was started with.</summary>
    public CompressionLayerOptions Options { get; }

    /// <summary>The peer's data, decompressed. It ends after the peer's end frame (or when the pipe below ends between frames).</summary>
    /// <exception cref="AmpCompressionException">Thrown by its reads when the peer's input is bad.</exception>
    public override PipeReader Input => _input;

    /// <summary>The data to send; each flush compresses what was written, with a Deflate sync flush, and flushes the frames to the pipe below.</summary>
    public override PipeWriter Output => _output;

    /// <summary>The layer's name for diagnostics: <c>deflate</c>.</summary>
    public override string Name => "deflate";

    /// <summary>Uncompressed bytes written to <see cref="Output"/> and compressed so far.</summary>
    internal long UncompressedBytesSent => _output.BytesIn;

    /// <summary>Bytes written to the pipe below so far, frame headers included.</summary>
    internal long CompressedBytesSent => _output.BytesOut;

    /// <summary>Bytes taken from the pipe below so far, frame headers included.</summary>
    internal long CompressedBytesReceived => _decompressing.Frames.BytesRead;

    /// <summary>Decompressed bytes handed to <see cref="Input"/> so far.</summary>
    internal long UncompressedBytesReceived => _decompressing.BytesOut;

    /// <summary>
    /// Ends this side of the layer for a pop: compresses anything written but not flushed, ends the Deflate
    /// stream with its final block, writes the end frame and flushes the pipe below. Nothing more may be
    /// written to <see cref="Output"/>; the pipe below stays open for the layer underneath. Calling it again does nothing.
    /// </summary>
    /// <param name="cancellationToken">Abandons the flush of the pipe below.</param>
    /// <returns>A task that completes when the end frame is flushed to the pipe below.</returns>
    /// <exception cref="IOException">The pipe below no longer accepts writes.</exception>
    public override async ValueTask CloseWritingAsync(CancellationToken cancellationToken)
    {
        if (!_output.TryWriteEnd())
        {
            return;
        }

        FlushResult result = await Below.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The pipe below the compression layer stopped accepting writes before its end frame was flushed.");
        }
    }

    /// <summary>
    /// Releases the layer (the compressor, the decompressor and their buffers) without writing anything more
    /// below; <see cref="Below"/> stays open. Safe to call more than once.
    /// </summary>
    /// <returns>A task that completes when the layer is released.</returns>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _output.Release();

        // A read running on another thread (the connection torn down mid-read) inflates into the input's
        // pooled buffers: end it (the cancellation reaches the pipe below) and wait for it before they go back.
        _input.CancelPendingRead();
        await _input.WhenNoReadRunsAsync().ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
        await _decompressing.DisposeAsync().ConfigureAwait(false);
    }
}
