using System.Collections.Concurrent;

namespace Amp.Tests.Closing;

/// <summary>A call that stays in flight until the test lets it go: the responder waits for its key's release.</summary>
[AmpCommand("Hold")]
public sealed class Hold : IAmpCommand<HoldResult>
{
    [AmpArgument("key")] public int Key { get; init; }
}

public sealed class HoldResult
{
    [AmpArgument("key")] public int Key { get; init; }
}

/// <summary>The responder of <see cref="Hold"/> on one side, with the signals a test waits on.</summary>
internal sealed class Holds
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _entered = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _released = new();
    private volatile bool _releaseAll;

    /// <summary>Completes once the responder for <paramref name="key"/> is running.</summary>
    public Task Entered(int key) => Slot(_entered, key).Task;

    public void Release(int key) => Slot(_released, key).TrySetResult();

    /// <summary>Releases every hold, those still to come too.</summary>
    public void ReleaseAll()
    {
        _releaseAll = true;
        foreach (TaskCompletionSource release in _released.Values)
        {
            release.TrySetResult();
        }
    }

    public AmpResponders AddTo(AmpResponders table) => table.Add<Hold, HoldResult>(async (hold, _, cancellationToken) =>
    {
        Slot(_entered, hold.Key).TrySetResult();
        TaskCompletionSource release = Slot(_released, hold.Key);
        if (_releaseAll)
        {
            release.TrySetResult();
        }

        await release.Task.WaitAsync(cancellationToken);
        return new HoldResult { Key = hold.Key };
    });

    private static TaskCompletionSource Slot(ConcurrentDictionary<int, TaskCompletionSource> slots, int key) =>
        slots.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
