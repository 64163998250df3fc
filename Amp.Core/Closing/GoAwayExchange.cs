using Amp.BoxProtocol;
using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp.Closing;

/// <summary>
/// The two going-away boxes of a connection (spec/amp-wire.md §15.7): each side sends one, the first
/// when it starts a graceful close or when it reads the peer's, whichever comes first. Once a side has
/// sent its box it writes no new call; once it has read the peer's, it knows every command the peer will
/// ever send has arrived.
/// </summary>
internal sealed class GoAwayExchange
{
    private readonly OutgoingWriter _writer;
    private readonly CallGate _gate;
    private readonly ILogger _logger;
    private readonly string _connection;
    private readonly TaskCompletionSource _peerWentAway = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sent;
    private int _received;

    public GoAwayExchange(OutgoingWriter writer, CallGate gate, ILogger logger, string connection)
    {
        _writer = writer;
        _gate = gate;
        _logger = logger;
        _connection = connection;
    }

    /// <summary>Completes when the peer's going-away box has been read.</summary>
    public Task PeerWentAway => _peerWentAway.Task;

    /// <summary>Sends this side's box unless it was sent already; no call of ours is written after it.</summary>
    public void SendOnce()
    {
        if (Interlocked.Exchange(ref _sent, 1) != 0)
        {
            return;
        }

        try
        {
            _writer.RefuseCallsAfter(GoAwayBox.Bytes, _gate.Refusal(null));
            Log.Closing.GoAwaySent(_logger, _connection);
        }
        catch (AmpException)
        {
            // The connection has ended: there is nobody left to tell.
        }
    }

    /// <summary>Refuses every call not yet written, without telling the peer (it has not agreed to goaway/1).</summary>
    public void RefuseCalls()
    {
        try
        {
            _writer.RefuseCallsAfter(ReadOnlySpan<byte>.Empty, _gate.Refusal(null));
        }
        catch (AmpException)
        {
            // The connection has ended: calls are refused with its end already.
        }
    }

    /// <summary>
    /// The peer's box was read (on the read loop): new calls are refused from now on, and this side's box
    /// goes out unless it went out already. A second box from the peer changes nothing.
    /// </summary>
    public void OnReceived()
    {
        if (Interlocked.Exchange(ref _received, 1) != 0)
        {
            return;
        }

        Log.Closing.GoAwayReceived(_logger, _connection);
        if (_gate.TryShut(byPeer: true))
        {
            // Here, not on another thread: GoingAway is then cancelled before the connection can end (as Closing, its callbacks must be short).
            _gate.AnnounceGoingAway();
        }

        SendOnce();
        _peerWentAway.TrySetResult();
    }
}
