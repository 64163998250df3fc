namespace Amp.Closing;

/// <summary>
/// Whether this side may start new calls. Open until a graceful close begins, here or at the peer; from
/// then on new calls are refused with <see cref="AmpConnectionClosingException"/> and
/// <see cref="GoingAway"/> is cancelled. It never opens again.
/// </summary>
internal sealed class CallGate
{
    private const int Open = 0;
    private const int ClosingHere = 1;
    private const int PeerGoingAway = 2;

    private readonly CancellationTokenSource _goingAway = new();
    private int _state;

    /// <summary>Whether new calls may start (a volatile read: the only cost on the call path).</summary>
    public bool IsOpen => Volatile.Read(ref _state) == Open;

    /// <summary>Cancelled once the gate has shut.</summary>
    public CancellationToken GoingAway => _goingAway.Token;

    /// <summary>Shuts the gate; returns whether this call shut it (false: it was shut already).</summary>
    public bool TryShut(bool byPeer) => Interlocked.CompareExchange(ref _state, byPeer ? PeerGoingAway : ClosingHere, Open) == Open;

    /// <summary>Cancels <see cref="GoingAway"/>; its callbacks run on this thread.</summary>
    public void AnnounceGoingAway()
    {
        try
        {
            _goingAway.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered by user code threw; the close goes on regardless.
        }
    }

    /// <summary>The exception a refused call fails with.</summary>
    /// <param name="command">The command refused, when known.</param>
    public AmpConnectionClosingException Refusal(string? command)
    {
        string what = command is null ? "The call was not sent" : $"{command} was not sent";
        return Volatile.Read(ref _state) == PeerGoingAway
            ? new AmpConnectionClosingException(true, $"{what}: the peer said it is going away (goaway/1), so no new call may start on this connection.")
            : new AmpConnectionClosingException(false, $"{what}: this side is closing the connection gracefully (CloseAsync with a token), so no new call may start on it.");
    }
}
