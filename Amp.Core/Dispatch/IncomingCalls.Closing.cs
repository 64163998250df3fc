namespace Amp;

// What a graceful close waits for on the answering side: the responders still running.
internal sealed partial class IncomingCalls
{
    private TaskCompletionSource? _noneRunning;

    /// <summary>
    /// Completes once no responder is running (each has queued its answer, and the streams of its answer
    /// have been sent when it also took stream arguments). Commands started later may run again.
    /// </summary>
    public Task WaitForNoneRunningAsync()
    {
        lock (_lock)
        {
            if (_running == 0)
            {
                return Task.CompletedTask;
            }

            _noneRunning ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _noneRunning.Task;
        }
    }

    /// <summary>Under the lock: the waiter to complete (outside the lock) if no responder runs any more.</summary>
    private TaskCompletionSource? TakeNoneRunningLocked()
    {
        if (_noneRunning is null || _running != 0)
        {
            return null;
        }

        TaskCompletionSource waiter = _noneRunning;
        _noneRunning = null;
        return waiter;
    }
}
