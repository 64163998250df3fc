using System.Collections.Concurrent;
using Amp.Hosting;

namespace Amp.Tests.Hosting;

/// <summary>A scoped service: one per connection scope, which tells the <see cref="ProbeLedger"/> when it is disposed.</summary>
public sealed class ScopedProbe(ProbeLedger ledger) : IAsyncDisposable
{
    public string Id { get; } = Guid.NewGuid().ToString("N");

    public ValueTask DisposeAsync()
    {
        ledger.Disposed(Id);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A singleton that records the probes disposed, with a signal per probe.</summary>
public sealed class ProbeLedger
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _disposed = new();

    public Task WhenDisposed(string id) => Slot(id).Task;

    public bool IsDisposed(string id) => Slot(id).Task.IsCompleted;

    public void Disposed(string id) => Slot(id).TrySetResult();

    private TaskCompletionSource Slot(string id) =>
        _disposed.GetOrAdd(id, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>What <see cref="Remember"/> stored for one connection (kept in its items).</summary>
public sealed class Memory
{
    public string Value { get; set; } = "";
}

/// <summary>A responder resolved from the connection's scope, with scoped and connection services injected.</summary>
public sealed class ProbeResponder(ScopedProbe probe, AmpConnectionContext context)
{
    [AmpResponder]
    public HostProbeResult Probe(HostProbe _, AmpConnection connection)
    {
        Assert.That(connection, Is.SameAs(context.Connection), "the context injected is the connection's");
        return new HostProbeResult { Scope = probe.Id, Listener = context.ListenerName };
    }

    [AmpResponder]
    public AmpEmptyResponse Remember(Remember remember)
    {
        context.Items.GetOrAdd(() => new Memory()).Value = remember.Value;
        return new AmpEmptyResponse();
    }

    [AmpResponder]
    public RecallResult Recall(Recall _) => new() { Value = context.Items.Get<Memory>()?.Value ?? "" };
}

/// <summary>A singleton gate for <see cref="HostHold"/>: signals when a hold is running, and lets it go.</summary>
public sealed class HoldGate
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _entered = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _released = new();

    public Task Entered(int key) => Slot(_entered, key).Task;

    public void Release(int key) => Slot(_released, key).TrySetResult();

    public async Task<HostHoldResult> HoldAsync(int key, CancellationToken cancellationToken)
    {
        Slot(_entered, key).TrySetResult();
        await Slot(_released, key).Task.WaitAsync(cancellationToken);
        return new HostHoldResult { Key = key };
    }

    private static TaskCompletionSource Slot(ConcurrentDictionary<int, TaskCompletionSource> slots, int key) =>
        slots.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Answers <see cref="HostHold"/> through the singleton <see cref="HoldGate"/>.</summary>
public sealed class HoldResponder(HoldGate gate)
{
    [AmpResponder]
    public Task<HostHoldResult> Hold(HostHold hold, CancellationToken cancellationToken) => gate.HoldAsync(hold.Key, cancellationToken);
}
