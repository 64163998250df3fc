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
/// <remarks>
/// Every member forwards to the reader it wraps. Completing it is serialized with the reading thread's
/// <c>AdvanceTo</c>, which a teardown may otherwise race (the reader's state would be corrupted); an
/// <c>AdvanceTo</c> after the completion throws <see cref="InvalidOperationException"/>, as the wrapped reader's does.
/// Wrap a reader that completes synchronously (a stream reader with <c>leaveOpen</c>): <see cref="CompleteAsync"/> completes synchronously.
/// </remarks>
public sealed class ReadTrackingPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private readonly Lock _gate = new();
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
    public override void AdvanceTo(SequencePosition consumed)
    {
        lock (_gate)
        {
            _inner.AdvanceTo(consumed);
        }
    }

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        lock (_gate)
        {
            _inner.AdvanceTo(consumed, examined);
        }
    }

    /// <inheritdoc/>
    public override void CancelPendingRead() => _inner.CancelPendingRead();

    /// <summary>Completes the reader it wraps; never at the same time as an <see cref="AdvanceTo(SequencePosition)"/> of the reading thread.</summary>
    /// <param name="exception">The reason, if any.</param>
    public override void Complete(Exception? exception = null)
    {
        lock (_gate)
        {
            _inner.Complete(exception);
        }
    }

    /// <summary>Completes the reader it wraps (synchronously, as <see cref="Complete"/>).</summary>
    /// <param name="exception">The reason, if any.</param>
    /// <returns>A completed task.</returns>
    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Complete(exception);
        return ValueTask.CompletedTask;
    }

    /// <summary>Completes when no read is running. Cancel the pending read first, or this waits for its data.</summary>
    /// <returns>A task that completes once every read started so far has returned.</returns>
    public Task WhenNoReadRunsAsync()
    {
        if (Volatile.Read(ref _reads) == 0)
        {
            return Task.CompletedTask;
        }

        // A full fence between publishing the waiter and reading the count (a volatile write then read may be
        // reordered): otherwise the last read's end could miss the waiter while this misses its end, and wait forever.
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _readsEnded, ended);
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
