namespace Amp.Negotiation;

/// <summary>Why a connection negotiation failed (spec/amp-wire.md §16.9). Carried by <see cref="AmpNegotiationException.Failure"/>.</summary>
public enum NegotiationFailure
{
    /// <summary>The negotiation did not finish within its timeout (<see cref="NegotiationOptions.Timeout"/>, <see cref="NegotiationServerOptions.Timeout"/>).</summary>
    TimedOut,

    /// <summary>The peer closed the byte stream before the negotiation finished.</summary>
    PeerClosed,

    /// <summary>The byte stream failed (a reset, an I/O error), or a redirect's address could not be dialled.</summary>
    TransportError,

    /// <summary>Listening side: the request was not well-formed HTTP/1.1 or not a valid AMP upgrade request; 400 Bad Request was answered.</summary>
    MalformedRequest,

    /// <summary>Listening side: the request's head exceeded <see cref="NegotiationServerOptions.MaxRequestBytes"/> or its header limit; 431 was answered.</summary>
    RequestTooLarge,

    /// <summary>Listening side: an ordinary HTTP client (no <c>Upgrade: amp/1</c>); 426 Upgrade Required was answered.</summary>
    NotAnAmpRequest,

    /// <summary>No target of that id: the listening side answered 404 Not Found (both sides report it).</summary>
    UnknownTarget,

    /// <summary>
    /// The target lives elsewhere: the listening side answered 303 See Other. The listening side reports it; so does a
    /// connecting side that cannot dial (<see cref="AmpNegotiationException.RedirectedTo"/> says where to).
    /// </summary>
    Redirected,

    /// <summary>Connecting side: the answer was an HTTP status other than 101, a redirect or 404 (see <see cref="AmpNegotiationException.StatusCode"/>).</summary>
    HttpError,

    /// <summary>Connecting side: the answer was not well-formed HTTP, or a 101 switched to another protocol.</summary>
    MalformedResponse,

    /// <summary>Connecting side: more redirects than <see cref="NegotiationOptions.MaxRedirects"/>.</summary>
    TooManyRedirects,

    /// <summary>Connecting side: a redirect led back to an address and target already visited.</summary>
    RedirectLoop,

    /// <summary>Connecting side: a redirect's <c>Location</c> is not an <c>http</c> URL or path naming a valid target.</summary>
    InvalidRedirect,

    /// <summary>The TLS handshake or TLS itself failed; the inner exception is the <c>AmpTlsException</c>.</summary>
    TlsFailed,

    /// <summary>The peer's Hello or Decision block was malformed, or a required key was missing or invalid.</summary>
    MalformedBlock,

    /// <summary>The peer's Hello or Decision block exceeded <see cref="NegotiationOptions.MaxBlockBytes"/>.</summary>
    BlockTooLarge,

    /// <summary>The two sides' protocol version ranges do not overlap; the master refused.</summary>
    NoCommonVersion,

    /// <summary>The master already has a connection with this peer and kept it; this new one was refused.</summary>
    DuplicateConnection,

    /// <summary>The master's application refused the connection (<see cref="NegotiationVerdict.Refuse"/>); the reason is in the message.</summary>
    Refused,

    /// <summary>Slave side: the master's decision contradicts the offers (a version outside our range, an extension we did not offer).</summary>
    InvalidDecision,
}
