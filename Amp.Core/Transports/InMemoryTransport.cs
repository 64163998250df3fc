using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Transports;

/// <summary>
/// One end of a connected in-memory pair made by <see cref="CreatePair"/>: what one end writes to its
/// <see cref="Output"/>, the other reads from its <see cref="Input"/>. Meant for tests.
/// </summary>
/// <remarks>
/// Completing one end's <see cref="Output"/> completes the other end's <see cref="Input"/> (with the
/// same exception, if any). Each direction is bounded by <see cref="InMemoryTransportOptions.MaxBufferedBytes"/>.
/// </remarks>
public sealed class InMemoryTransport : AmpTransport
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private int _disposed;

    private InMemoryTransport(PipeReader input, PipeWriter output, AmpTransportRole role)
    {
        _input = input;
        _output = output;
        Role = role;
        Description = role == AmpTransportRole.Initiator ? "memory initiator->acceptor" : "memory acceptor->initiator";
    }

    /// <inheritdoc/>
    public override PipeReader Input => _input;

    /// <inheritdoc/>
    public override PipeWriter Output => _output;

    /// <inheritdoc/>
    public override AmpTransportRole Role { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <summary>Creates two connected transports.</summary>
    /// <param name="options">Buffering and read-splitting settings; <see langword="null"/> for the defaults.</param>
    /// <returns>The <see cref="AmpTransportRole.Initiator"/> end and the <see cref="AmpTransportRole.Acceptor"/> end.</returns>
    public static (InMemoryTransport Initiator, InMemoryTransport Acceptor) CreatePair(InMemoryTransportOptions? options = null)
    {
        options ??= new InMemoryTransportOptions();
        var pipeOptions = new PipeOptions(
            options.MemoryPool ?? MemoryPool<byte>.Shared,
            pauseWriterThreshold: options.MaxBufferedBytes,
            resumeWriterThreshold: options.MaxBufferedBytes / 2,
            useSynchronizationContext: false);
        var toAcceptor = new Pipe(pipeOptions);
        var toInitiator = new Pipe(pipeOptions);

        var initiator = new InMemoryTransport(View(toInitiator.Reader, options, seedOffset: 0), toAcceptor.Writer, AmpTransportRole.Initiator);
        var acceptor = new InMemoryTransport(View(toAcceptor.Reader, options, seedOffset: 1), toInitiator.Writer, AmpTransportRole.Acceptor);
        return (initiator, acceptor);
    }

    /// <summary>
    /// Completes both directions: the peer's <see cref="Input"/> completes and its flushes report
    /// <see cref="FlushResult.IsCompleted"/>; a read pending on this end's <see cref="Input"/> returns with
    /// <see cref="ReadResult.IsCanceled"/>. Safe to call more than once.
    /// </summary>
    /// <remarks>Any use of <see cref="Input"/> or <see cref="Output"/> afterwards throws <see cref="InvalidOperationException"/>.</remarks>
    /// <returns>A completed task.</returns>
    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Completing a reader does not wake a read pending on it; cancelling does.
            _input.CancelPendingRead();
            _input.Complete();
            _output.CancelPendingFlush();
            _output.Complete();
        }

        return ValueTask.CompletedTask;
    }

    private static PipeReader View(PipeReader reader, InMemoryTransportOptions options, int seedOffset)
    {
        if (options.MaxBytesPerRead is null && options.SplitSeed is null)
        {
            return reader;
        }

        Random? random = options.SplitSeed is { } seed ? new Random(unchecked(seed + seedOffset)) : null;
        return new ChunkingPipeReader(reader, options.MaxBytesPerRead, random);
    }
}
