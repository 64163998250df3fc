namespace Amp.Tests.KeepAlive;

/// <summary>Freezes the answering side: its responder blocks the read loop until the test opens the gate.</summary>
[AmpCommand("Freeze")]
public sealed class Freeze : IAmpCommand<AmpEmptyResponse>;

/// <summary>A responder that waits (without blocking the read loop) until the test releases it.</summary>
[AmpCommand("Hold")]
public sealed class Hold : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("pad", Optional = true)] public byte[]? Pad { get; init; }
}

/// <summary>The gates the test commands wait on, one instance per test.</summary>
internal sealed class KeepAliveGates : IDisposable
{
    private readonly ManualResetEventSlim _frozen = new();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _freezeStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a Freeze responder is blocking its read loop.</summary>
    public Task FreezeStarted => _freezeStarted.Task;

    /// <summary>Adds the Freeze and Hold responders to <paramref name="responders"/>.</summary>
    public AmpResponders AddTo(AmpResponders responders) => responders
        .Add<Freeze, AmpEmptyResponse>(_ =>
        {
            _freezeStarted.TrySetResult();

            // Deliberately blocks the read loop: to the peer, this side is a frozen process.
            _frozen.Wait();
            return AmpEmptyResponse.Instance;
        })
        .Add<Hold, AmpEmptyResponse>(async _ =>
        {
            await _held.Task;
            return AmpEmptyResponse.Instance;
        });

    public void Thaw() => _frozen.Set();

    public void ReleaseHolds() => _held.TrySetResult();

    public void Dispose()
    {
        Thaw();
        ReleaseHolds();
        _frozen.Dispose();
    }
}
