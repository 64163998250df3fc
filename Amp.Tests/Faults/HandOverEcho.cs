using Amp.Tests.TestUtilities;

namespace Amp.Tests.Faults;

/// <summary>
/// The answering side of a hand-over in the fault tests: a responder hands its connection over after
/// answering, and the protocol that takes it echoes every byte, silently (the caller sends first, so no
/// raw byte can reach its AMP read loop before it has handed over too), until its input ends.
/// </summary>
internal sealed class HandOverEcho
{
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    /// <summary>Whether a responder asked for the hand-over.</summary>
    public bool Started => Volatile.Read(ref _started) != 0;

    /// <summary>"input ended", or "failed: " and how the hand-over or the echo failed (as <see cref="PeerHooks.SwitchedProtocolEnded"/>).</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>Called by the responder with what <see cref="AmpConnection.HandOverAsync"/> returned.</summary>
    public void Start(Task<AmpSwitchedConnection> handingOver)
    {
        Interlocked.Exchange(ref _started, 1);
        _ = RunAsync(handingOver);
    }

    private async Task RunAsync(Task<AmpSwitchedConnection> handingOver)
    {
        try
        {
            await using AmpSwitchedConnection switched = await handingOver;
            await RawEcho.EchoAsync(switched);
            _ended.TrySetResult("input ended");
        }
        catch (Exception e)
        {
            _ended.TrySetResult($"failed: {e.GetType().Name}: {e.Message}");
        }
    }
}
