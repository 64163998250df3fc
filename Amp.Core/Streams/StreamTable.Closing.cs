namespace Amp.Streams;

// What a graceful close waits for: the streams still open, both ways.
internal sealed partial class StreamTable
{
    private TaskCompletionSource? _noStreams;

    /// <summary>
    /// Completes once no stream is open either way (or the connection has ended). Streams started later
    /// (by answers still to come) may open again.
    /// </summary>
    public Task WaitForNoStreamsAsync()
    {
        lock (_lock)
        {
            if (_incoming.Count + _outgoing.Count == 0)
            {
                return Task.CompletedTask;
            }

            _noStreams ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _noStreams.Task;
        }
    }

    /// <summary>Under the lock: the waiter to complete (outside the lock) if no stream is open any more.</summary>
    private TaskCompletionSource? TakeNoStreamsLocked()
    {
        if (_noStreams is null || _incoming.Count + _outgoing.Count != 0)
        {
            return null;
        }

        TaskCompletionSource waiter = _noStreams;
        _noStreams = null;
        return waiter;
    }
}
