using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Amp.Layers;

/// <summary>
/// A <see cref="PipeReader"/> that knows whether a read is running, for a layer's <see cref="AmpLayer.Input"/>:
/// a connection torn down disposes its layers while its read loop may still be inside a read on another thread,
/// and a read over a stream (<see cref="PipeReader.Create(Stream, StreamPipeReaderOptions?)"/>) fills pooled
/// buffers, through a decoder or an engine, until it returns. Before completing the reader or freeing what its
/// reads use, cancel the pending read (<see cref="CancelPendingRead"/>) and await <see cref="WhenNoReadRunsAsync"/>.
/// The TLS and compression layers do.
/// </summary>
/// <remarks>Every member but <see cref="WhenNoReadRunsAsync"/> forwards to the reader it wraps.</remarks>
public sealed class ReadTrackingPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private int _reads;
    private TaskCompletionSource? _readsEnded;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The reader whose reads are tracked.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is <see langword="null"/>.</exception>
    public ReadTrackingPipeReader(PipeReader inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc/>
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        ValueTask<ReadResult> reading;
        try
        {
            reading = _inner.ReadAsync(cancellationToken);
        }
        catch
        {
            ReadEnded();
            throw;
        }

        if (reading.IsCompleted)
        {
            ReadEnded();
            return reading;
        }

        return AwaitReadAsync(reading);
    }

    /// <inheritdoc/>
    public override bool TryRead(out ReadResult result)
    {
        Interlocked.Increment(ref _reads);
        try
        {
            return _inner.TryRead(out result);
        }
        finally
        {
            ReadEnded();
        }
    }

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed) => _inner.AdvanceTo(consumed);

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => _inner.AdvanceTo(consumed, examined);

    /// <inheritdoc/>
    public override void CancelPendingRead() => _inner.CancelPendingRead();

    /// <inheritdoc/>
    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    /// <inheritdoc/>
    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    /// <summary>Completes when no read is running. Cancel the pending read first, or this waits for its data.</summary>
    /// <returns>A task that completes once every read started so far has returned.</returns>
    public Task WhenNoReadRunsAsync()
    {
        if (Volatile.Read(ref _reads) == 0)
        {
            return Task.CompletedTask;
        }

        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _readsEnded, ended);
        if (Volatile.Read(ref _reads) == 0)
        {
            ended.TrySetResult();
        }

        return ended.Task;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> AwaitReadAsync(ValueTask<ReadResult> reading)
    {
        try
        {
            return await reading.ConfigureAwait(false);
        }
        finally
        {
            ReadEnded();
        }
    }

    private void ReadEnded()
    {
        if (Interlocked.Decrement(ref _reads) == 0)
        {
            Volatile.Read(ref _readsEnded)?.TrySetResult();
        }
    }
}
