namespace Amp;

/// <summary>
/// The event ids Amp.NET logs with, one range per area. Ids are stable: a retired id is commented out,
/// never reused.
/// </summary>
public static class AmpEventId
{
    // Connection: 1000-1099 (category Amp.Connection).

    /// <summary>A connection started reading.</summary>
    public const int ConnectionStarted = 1000;

    /// <summary>A connection ended in an ordinary way (closed by either side).</summary>
    public const int ConnectionClosed = 1001;

    /// <summary>A connection ended because of an error (transport failure, protocol violation, fatal error).</summary>
    public const int ConnectionFailed = 1002;

    /// <summary>A listener refused a connection: it already had <c>SocketTransportOptions.MaxConnections</c> open.</summary>
    public const int ConnectionRejected = 1003;

    // Wire: 1100-1199 (category Amp.Wire).

    /// <summary>The peer broke the protocol; the connection is closed.</summary>
    public const int ProtocolViolation = 1100;

    /// <summary>A box was received (Trace).</summary>
    public const int BoxReceived = 1101;

    /// <summary>An answer arrived for a call this side had stopped waiting for.</summary>
    public const int LateAnswerDropped = 1102;

    // Dispatch: 1200-1299 (category Amp.Dispatch).

    /// <summary>A responder threw an exception the command does not declare; <c>UNKNOWN</c> was answered.</summary>
    public const int ResponderFailed = 1200;

    /// <summary>A command's arguments were missing or malformed; <c>UNKNOWN</c> was answered.</summary>
    public const int MalformedArguments = 1201;

    /// <summary>A command had no responder; <c>UNHANDLED</c> was answered.</summary>
    public const int UnhandledCommand = 1202;

    /// <summary>A responder's response could not be written; <c>UNKNOWN</c> was answered instead.</summary>
    public const int AnswerNotWritable = 1203;

    /// <summary>A command that asked for no answer failed; nothing could be sent.</summary>
    public const int UnansweredCommandFailed = 1204;

    /// <summary>A declared fatal error was sent; the connection is being closed.</summary>
    public const int FatalErrorSent = 1205;

    /// <summary>A declared error was answered (Debug).</summary>
    public const int DeclaredErrorSent = 1206;

    /// <summary>A responder gave up on a call its caller cancelled (or whose deadline passed); answered <c>CANCELLED</c> (Debug).</summary>
    public const int CallCancelled = 1207;

    // TLS: 1300-1399 (category Amp.Tls), used by Amp.Tls.

    /// <summary>A TLS layer was pushed (Debug): version, cipher suite, peer certificate.</summary>
    public const int TlsLayerStarted = 1300;

    /// <summary>A TLS handshake failed; the connection is closed.</summary>
    public const int TlsHandshakeFailed = 1301;
    // Protocol switch: 1400-1499.

    // Streams and extensions: 1500-1599 (category Amp.Streams).

    /// <summary>The source of an outgoing stream threw; the stream ends with an <c>UNKNOWN</c> error box.</summary>
    public const int StreamSourceFailed = 1500;

    /// <summary>The extensions of a connection were agreed (Debug).</summary>
    public const int ExtensionsAgreed = 1501;

    // Keepalive: 1600-1609 (category Amp.Connection).

    /// <summary>A keepalive ping was sent after the peer's silence (Trace).</summary>
    public const int KeepAlivePingSent = 1600;

    /// <summary>The first keepalive ping was due before the extensions were agreed: the hello was sent in its place (Debug).</summary>
    public const int KeepAliveNegotiating = 1601;

    /// <summary>The peer did not agree to the keepalive extension: no ping is ever sent on this connection (Debug).</summary>
    public const int KeepAliveUnavailable = 1602;

    /// <summary>The peer sent nothing within the keepalive timeout of a ping; the connection is closed (Warning).</summary>
    public const int KeepAliveTimedOut = 1603;

    /// <summary>A ping was due while a layer change was pending or this side's output was not drained: it waits (Trace).</summary>
    public const int KeepAlivePingPostponed = 1604;

    /// <summary>The peer answered a keepalive ping (Trace), with the round trip time.</summary>
    public const int KeepAlivePingAnswered = 1605;

    // Graceful close and goaway/1: 1610-1619 (category Amp.Connection).

    /// <summary>A graceful close began on this side (<c>CloseAsync</c> with a token): new calls are refused (Debug).</summary>
    public const int GracefulCloseStarted = 1610;

    /// <summary>This side sent its going-away box (goaway/1) (Debug).</summary>
    public const int GoAwaySent = 1611;

    /// <summary>The peer said it is going away (goaway/1): new calls are refused (Debug).</summary>
    public const int GoAwayReceived = 1612;

    /// <summary>A graceful close found nothing left in flight and closes the connection (Debug).</summary>
    public const int GracefulCloseDrained = 1613;

    /// <summary>A graceful close's token fired before everything in flight finished: the connection is closed at once (Information).</summary>
    public const int GracefulCloseCut = 1614;

    /// <summary>A graceful close goes on without telling the peer: it has not agreed to goaway/1 (a Twisted peer never does) (Debug).</summary>
    public const int GoAwayNotAgreed = 1615;

    // Hosting: 1800-1899 (category Amp.Hosting), used by Amp.Hosting.

    /// <summary>A hosted listener started listening (Information): its name and bound end point.</summary>
    public const int ListenerStarted = 1800;

    /// <summary>A hosted listener stopped accepting (Debug).</summary>
    public const int ListenerStopped = 1801;

    /// <summary>A hosted listener accepted a connection and started AMP on it (Debug).</summary>
    public const int ConnectionAccepted = 1802;

    /// <summary>A hosted connection ended and its service scope was disposed (Debug), with the reason.</summary>
    public const int HostedConnectionEnded = 1803;

    /// <summary>Accepting or starting a connection failed (out of file descriptors, for instance); the listener goes on accepting, shortly after (Warning).</summary>
    public const int AcceptFailed = 1804;

    /// <summary>The host is stopping the AMP server (Information): listeners stop, then every connection closes gracefully.</summary>
    public const int ServerStopping = 1805;

    /// <summary>The AMP server stopped (Information): every connection has ended.</summary>
    public const int ServerStopped = 1806;

    /// <summary>The host's shutdown timeout passed with connections still closing: they were closed at once (Warning).</summary>
    public const int ShutdownTimedOut = 1807;

    /// <summary>Disposing a connection's service scope threw (Error); the exception is attached.</summary>
    public const int ConnectionScopeDisposeFailed = 1808;
    // Connection negotiation: 1700-1799 (category Amp.Negotiation), used by Amp.Negotiation (spec/amp-wire.md §16).

    /// <summary>A connection negotiation began (Debug): which side, which target.</summary>
    public const int NegotiationStarted = 1700;

    /// <summary>The plaintext phase ended with 101 Switching Protocols, sent or received (Debug): TLS starts.</summary>
    public const int UpgradeAccepted = 1701;

    /// <summary>The listening side answered a request with something other than 101: a redirect, 404, 426, 400, 431 or 408 (Debug).</summary>
    public const int HttpAnswered = 1702;

    /// <summary>The connecting side followed a redirect to another address or target (Debug).</summary>
    public const int RedirectFollowed = 1703;

    /// <summary>The peer's Hello block was read (Debug): its id, versions, extensions.</summary>
    public const int HelloReceived = 1704;

    /// <summary>A negotiation was decided and the connection switched to AMP (Debug): version, extensions, master, connection id.</summary>
    public const int NegotiationDecided = 1705;

    /// <summary>The master refused the connection (sent or received): duplicate, no common version, refused by the application (Information).</summary>
    public const int NegotiationRefused = 1706;

    /// <summary>A new connection to a peer replaced an existing one the peer had given up (Information).</summary>
    public const int ConnectionReplaced = 1707;

    /// <summary>A negotiation failed: timeout, malformed input, TLS failure, the peer's close (Information).</summary>
    public const int NegotiationFailed = 1708;

    /// <summary>The handler given to <c>AmpNegotiationServer.ServeAsync</c> threw; its connection is closed (Warning).</summary>
    public const int ConnectedHandlerFailed = 1709;

    // AMP on an ASP.NET Core port: 1900-1999 (category Amp.AspNetCore), used by Amp.AspNetCore.

    /// <summary>The web targets are ready as the host starts (Information): the targets MapAmp serves and redirects.</summary>
    public const int WebTargetsStarted = 1900;

    /// <summary>MapAmp answered an AMP upgrade request 101 Switching Protocols (Debug): the negotiation runs on the upgraded stream.</summary>
    public const int WebUpgradeAccepted = 1901;

    /// <summary>MapAmp answered a request with something other than 101 (Debug): 426 to an ordinary HTTP client, 404, 400, 303, 505 to HTTP/2.</summary>
    public const int WebRequestAnswered = 1902;

    /// <summary>The negotiation on an upgraded web request failed (Debug; the target's node logs the failure itself, event 1708).</summary>
    public const int WebNegotiationFailed = 1903;

    /// <summary>An AMP connection negotiated on the web port runs, handed to the AMP server's entry point (Debug).</summary>
    public const int WebConnectionStarted = 1904;

    /// <summary>An AMP connection of the web port ended (Debug); its HTTP request completes.</summary>
    public const int WebConnectionEnded = 1905;
}
