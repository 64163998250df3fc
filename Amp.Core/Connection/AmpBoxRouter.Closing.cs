namespace Amp.Connection;

// What a graceful close waits for on the reading side: the commands read but not yet started.
internal sealed partial class AmpBoxRouter
{
    private TaskCompletionSource? _noneWaiting;

    /// <summary>
    /// Completes once no command read so far waits to start: none set aside, none being started from the
    /// set-aside queue, reading not paused on one. Commands read later may set some aside again.
    /// </summary>
    public Task WaitForNoWaitingCommandsAsync()
    {
        lock (_lock)
        {
            if (NoneWaitingLocked)
            {
                return Task.CompletedTask;
            }

            _noneWaiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _noneWaiting.Task;
        }
    }

    private bool NoneWaitingLocked => _deferred.Count == 0 && !_draining && !_paused;

    /// <summary>Under the lock: the waiter to complete (outside the lock) if nothing waits any more.</summary>
    private TaskCompletionSource? TakeNoneWaitingLocked()
    {
        if (_noneWaiting is null || !NoneWaitingLocked)
        {
            return null;
        }

        TaskCompletionSource waiter = _noneWaiting;
        _noneWaiting = null;
        return waiter;
    }
}
