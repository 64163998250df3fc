using Amp.Closing;
using Amp.Connection;
using Amp.Extensions;
using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp;

public sealed partial class AmpConnection
{
    private readonly CallGate _gate = new();
    private GoAwayExchange _goAway = null!;
    private GracefulClose _graceful = null!;
    private ILogger _closingLogger = null!;

    /// <summary>
    /// Cancelled when a graceful close begins: this side called <see cref="CloseAsync(CancellationToken)"/>,
    /// or the peer said it is going away (the <c>goaway/1</c> extension). From then on new calls fail with
    /// <see cref="AmpConnectionClosingException"/>; calls in flight go on. Always cancelled before
    /// <see cref="Completion"/> completes when it is cancelled at all; not cancelled by an abrupt end: watch
    /// <see cref="Closing"/> or <see cref="Completion"/> for that. As with <see cref="Closing"/>, callbacks run on the
    /// thread that starts the close (the read loop, when the peer starts it): keep them short.
    /// </summary>
    public CancellationToken GoingAway => _gate.GoingAway;

    /// <summary>
    /// Closes the connection gracefully: new calls on this side fail at once with
    /// <see cref="AmpConnectionClosingException"/>; the peer is told this side is going away when it agreed to the
    /// <c>goaway/1</c> extension (the extensions are agreed first if they are not yet), so its new calls fail
    /// too; calls in flight both ways, the peer's commands that crossed the notice, and streams in flight are
    /// let finish; then this side ends its output, reads on until the peer ends its side (a few seconds at
    /// most), and closes (<see cref="AmpDisconnectReason.LocallyClosed"/> here, <see cref="AmpDisconnectReason.RemoteClosed"/>
    /// at the peer). See docs/closing.md.
    /// </summary>
    /// <param name="cancellationToken">
    /// When it fires before everything has finished, the connection is closed at once, as by
    /// <see cref="CloseAsync()"/>: what is still pending fails with <see cref="AmpConnectionLostException"/>
    /// (<see cref="AmpDisconnectReason.LocallyClosed"/>). The returned task does not fault for it. Already
    /// cancelled: an immediate close.
    /// </param>
    /// <returns>A task that completes when the connection has ended and its transport is closed (for whatever reason).</returns>
    /// <remarks>
    /// Thread-safe: concurrent calls share one close, and any caller's token cuts it short; <see cref="CloseAsync()"/>
    /// during it closes at once. Waiting is bounded only by the token and the connection's end: with
    /// <see cref="CancellationToken.None"/> it waits as long as a call in flight, a running responder or an
    /// unread stream does. A responder of this side cannot call the peer while closing (its new calls are refused too).
    /// </remarks>
    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            await CloseAsync().ConfigureAwait(false);
            return;
        }

        using (cancellationToken.UnsafeRegister(static state => ((AmpConnection)state!).CutGracefulClose(), this))
        {
            _graceful.Start();
            await Completion.ConfigureAwait(false);
        }
    }

    /// <summary>Whether a going-away box from the peer is accepted (see <see cref="ExtensionNegotiation.Accepts"/>).</summary>
    internal bool AcceptsGoAway => _extensions.Accepts(AmpExtensions.GoAway);

    /// <summary>The peer's going-away box was read (on the read loop).</summary>
    internal void OnGoAwayReceived() => _goAway.OnReceived();

    /// <summary>Connects the graceful close to the parts it waits on (from the constructor).</summary>
    private void AttachClosing(AmpBoxRouter router, AmpConnectionOptions options)
    {
        _closingLogger = options.LoggerFactory.CreateLogger("Amp.Connection");
        _goAway = new GoAwayExchange(_writer, _gate, _closingLogger, Name);
        _graceful = new GracefulClose(this, _gate, _goAway, new ClosingParts(_pending, router, _incoming, _streams), options.Extensions, _closingLogger);
    }

    /// <summary>
    /// Whether a new call must be refused because a graceful close has begun (and the connection has not
    /// ended yet: then the call fails with the end instead). The hello is never refused: the close itself may
    /// need it to learn whether the peer can be told.
    /// </summary>
    private bool RefusesNewCall(object? command) => !_gate.IsOpen && !HasEnded && command is not ExtensionHello;

    private Task<T> Refused<T>(string command) => Task.FromException<T>(_gate.Refusal(command));

    private Task Refused(string command) => Task.FromException(_gate.Refusal(command));

    private void CutGracefulClose()
    {
        int pending = _pending.Count;
        int running = _incoming.Running;
        int streams = OpenStreams;
        if (_protocol.End(AmpDisconnectReason.LocallyClosed, "The connection was closed by this side: its graceful close ran out of time.", null))
        {
            Log.Closing.GracefulCloseCut(_closingLogger, Name, pending, running, streams);
        }
    }
}
