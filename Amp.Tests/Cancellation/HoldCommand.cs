using System.Collections.Concurrent;

namespace Amp.Tests.Cancellation;

/// <summary>A call whose responder waits until its token is cancelled.</summary>
[AmpCommand("Hold")]
public sealed class Hold : IAmpCommand<HoldResult>
{
    [AmpArgument("id")] public int Id { get; init; }
}

public sealed class HoldResult
{
    [AmpArgument("id")] public int Id { get; init; }
}

/// <summary>Answers <see cref="Hold"/> by waiting on its token; reports when each call started and when its token fired.</summary>
internal sealed class HoldResponder
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _started = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _cancelled = new();

    public Task Started(int id) => Signal(_started, id).Task;

    public Task Cancelled(int id) => Signal(_cancelled, id).Task;

    /// <summary>The ids of holds that started and whose token has not fired (for a hung test's report).</summary>
    public IEnumerable<int> StillHeld()
    {
        foreach (KeyValuePair<int, TaskCompletionSource> started in _started)
        {
            if (started.Value.Task.IsCompleted && !Signal(_cancelled, started.Key).Task.IsCompleted)
            {
                yield return started.Key;
            }
        }
    }

    public AmpResponders AddTo(AmpResponders responders) => responders.Add<Hold, HoldResult>(RespondAsync);

    private async Task<HoldResult> RespondAsync(Hold hold, CancellationToken cancellationToken)
    {
        Signal(_started, hold.Id).TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Signal(_cancelled, hold.Id).TrySetResult();
            throw;
        }

        return new HoldResult { Id = hold.Id };
    }

    private static TaskCompletionSource Signal(ConcurrentDictionary<int, TaskCompletionSource> signals, int id) =>
        signals.GetOrAdd(id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
