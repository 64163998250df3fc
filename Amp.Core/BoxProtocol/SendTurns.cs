namespace Amp.BoxProtocol;

/// <summary>
/// Keeps callers that had to wait for room in the order they arrived: room wakes every waiter at once,
/// so each caller also waits for the one before it. A caller queues its box, then completes its turn.
/// </summary>
internal sealed class SendTurns
{
    private readonly Lock _lock = new();
    private Task _lastTurn = Task.CompletedTask;

    /// <summary>Whether nobody is waiting (a new caller would overtake no one).</summary>
    public bool NobodyWaiting => Volatile.Read(ref _lastTurn).IsCompleted;

    /// <summary>Waits behind every earlier caller, then for room; returns the turn to complete once the box is queued.</summary>
    public async Task<TaskCompletionSource> TakeAsync(Func<CancellationToken, Task> waitForRoom, CancellationToken cancellationToken)
    {
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_lock)
        {
            previous = _lastTurn;
            _lastTurn = turn.Task;
        }

        try
        {
            await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
            await waitForRoom(cancellationToken).ConfigureAwait(false);
            return turn;
        }
        catch
        {
            // Pass the turn on only once the earlier caller is done, so the later ones keep their order.
            _ = previous.ContinueWith(static (_, state) => ((TaskCompletionSource)state!).TrySetResult(), turn,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}
