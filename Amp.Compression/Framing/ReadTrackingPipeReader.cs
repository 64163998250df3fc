using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Amp.Compression.Framing;

/// <summary>
/// The layer's <see cref="CompressionLayer.Input"/>: a <see cref="PipeReader"/> that knows whether a read is
/// running, so that releasing the layer can wait for it. A read of the reader beneath inflates into that
/// reader's pooled buffers and updates them after the inflate returns: completing it, or freeing the
/// decompressor, while a read runs on another thread (a connection torn down mid-read) would hand those
/// buffers back to their pool in use, or free zlib's state under the inflate (which kills the process).
/// </summary>
internal sealed class ReadTrackingPipeReader(PipeReader inner) : PipeReader
{
    private int _reads;
    private TaskCompletionSource? _readsEnded;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        ValueTask<ReadResult> reading;
        try
        {
            reading = inner.ReadAsync(cancellationToken);
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

    public override bool TryRead(out ReadResult result)
    {
        Interlocked.Increment(ref _reads);
        try
        {
            return inner.TryRead(out result);
        }
        finally
        {
            ReadEnded();
        }
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    /// <summary>Completes when no read is running. Cancel the pending read first, or this waits for its data.</summary>
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
