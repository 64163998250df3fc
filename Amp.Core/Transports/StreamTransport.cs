using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Transports;

/// <summary>
/// A transport over a <see cref="Stream"/>: one duplex stream (a <c>NetworkStream</c>, an
/// <c>SslStream</c>), or a pair of one-way streams (a child process's standard output and input).
/// </summary>
/// <remarks>
/// <para>
/// Memory is bounded by the caller: the transport reads from the stream only when
/// <see cref="Input"/> is read, and a flush of <see cref="Output"/> completes only once the stream
/// has taken the bytes.
/// </para>
/// <para>
/// Completing <see cref="Output"/> writes what is buffered and, over a stream pair, disposes the
/// output stream (unless <see cref="StreamTransportOptions.LeaveOpen"/>), so the peer reads the end
/// of its input. A single duplex stream cannot be half-closed: completing <see cref="Output"/> only
/// flushes. Prefer <see cref="PipeWriter.CompleteAsync"/>, as <see cref="PipeWriter.Complete"/> writes
/// to the stream synchronously.
/// </para>
/// </remarks>
public sealed class StreamTransport : AmpTransport
{
    private readonly Stream _inputStream;
    private readonly Stream _outputStream;
    private readonly bool _leaveOpen;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly object _disposeLock = new();
    private Task? _disposeTask;

    /// <summary>Creates a transport that reads and writes one duplex stream.</summary>
    /// <param name="stream">A readable and writable stream.</param>
    /// <param name="role">Which side of the byte stream this is.</param>
    /// <param name="options">Buffering and ownership settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The stream cannot read or cannot write.</exception>
    public StreamTransport(Stream stream, AmpTransportRole role, StreamTransportOptions? options = null)
        : this(stream, stream, role, options)
    {
    }

    /// <summary>Creates a transport that reads one stream and writes another.</summary>
    /// <param name="input">The stream the peer's bytes come from.</param>
    /// <param name="output">The stream the bytes for the peer go to.</param>
    /// <param name="role">Which side of the byte stream this is.</param>
    /// <param name="options">Buffering and ownership settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException">A stream is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="input"/> cannot read or <paramref name="output"/> cannot write.</exception>
    public StreamTransport(Stream input, Stream output, AmpTransportRole role, StreamTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (!input.CanRead)
        {
            throw new ArgumentException("The input stream cannot read.", nameof(input));
        }

        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream cannot write.", nameof(output));
        }

        options ??= new StreamTransportOptions();
        if (options.MinimumReadSize > options.BufferSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                $"MinimumReadSize ({options.MinimumReadSize}) exceeds BufferSize ({options.BufferSize}).");
        }

        _inputStream = input;
        _outputStream = output;
        _leaveOpen = options.LeaveOpen;
        Role = role;
        Description = options.Description ?? (ReferenceEquals(input, output)
            ? $"stream {input.GetType().Name}"
            : $"stream {input.GetType().Name}/{output.GetType().Name}");

        MemoryPool<byte>? pool = options.MemoryPool;

        // The reader never owns the stream: over a single duplex stream, completing Input must not
        // close the sending side. DisposeAsync disposes the streams instead.
        _input = PipeReader.Create(
            input,
            new StreamPipeReaderOptions(pool, options.BufferSize, options.MinimumReadSize, leaveOpen: true));

        // Over a stream pair, completing Output closes the output stream: the half-close the peer sees.
        bool writerLeavesOpen = _leaveOpen || ReferenceEquals(input, output);
        _output = PipeWriter.Create(
            output,
            new StreamPipeWriterOptions(pool, options.MinimumWriteBufferSize, leaveOpen: writerLeavesOpen));
    }

    /// <inheritdoc/>
    public override PipeReader Input => _input;

    /// <inheritdoc/>
    public override PipeWriter Output => _output;

    /// <inheritdoc/>
    internal override bool HalfCloses => !_leaveOpen && !ReferenceEquals(_inputStream, _outputStream);

    /// <inheritdoc/>
    public override AmpTransportRole Role { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <summary>
    /// Ends the transport: a read pending on <see cref="Input"/> returns with
    /// <see cref="ReadResult.IsCanceled"/>, a pending flush returns with <see cref="FlushResult.IsCanceled"/>,
    /// bytes written to <see cref="Output"/> but not flushed are dropped, both pipes are completed and
    /// the stream(s) are disposed unless <see cref="StreamTransportOptions.LeaveOpen"/>.
    /// Safe to call more than once and concurrently; every call waits for the same tear-down.
    /// </summary>
    /// <remarks>Any use of <see cref="Input"/> or <see cref="Output"/> afterwards throws <see cref="InvalidOperationException"/>.</remarks>
    /// <returns>A task that completes when the transport is closed.</returns>
    public override ValueTask DisposeAsync()
    {
        lock (_disposeLock)
        {
            _disposeTask ??= DisposeCoreAsync();
            return new ValueTask(_disposeTask);
        }
    }

    private async Task DisposeCoreAsync()
    {
        CancelPendingOperations();

        if (!_leaveOpen)
        {
            // Disposing first aborts stream I/O still in flight, so the completions below cannot block.
            await DisposeQuietlyAsync(_outputStream).ConfigureAwait(false);
            if (!ReferenceEquals(_inputStream, _outputStream))
            {
                await DisposeQuietlyAsync(_inputStream).ConfigureAwait(false);
            }
        }

        await CompleteQuietlyAsync(_input).ConfigureAwait(false);

        // Completing with an exception tells the stream writer to drop unflushed bytes instead of writing them.
        await CompleteQuietlyAsync(_output, new ObjectDisposedException(nameof(StreamTransport))).ConfigureAwait(false);
    }

    private void CancelPendingOperations()
    {
        // A stream reader or writer the application already completed throws here; nothing is pending then.
        try
        {
            _input.CancelPendingRead();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            _output.CancelPendingFlush();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async ValueTask DisposeQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer may already be gone; closing is all that is left to do.
        }
    }

    private static async ValueTask CompleteQuietlyAsync(PipeReader reader)
    {
        try
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A read racing with disposal; the reader is unusable either way.
        }
    }

    private static async ValueTask CompleteQuietlyAsync(PipeWriter writer, Exception reason)
    {
        try
        {
            await writer.CompleteAsync(reason).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A write racing with disposal; the writer is unusable either way.
        }
    }
}
