namespace Amp;

/// <summary>
/// The Amp.NET extensions to AMP a connection may use. Each is negotiated per connection
/// (spec/amp-wire.md §15): no extension box ever reaches a peer that did not agree to it, so a
/// Twisted peer sees plain AMP.
/// </summary>
[Flags]
public enum AmpExtensions
{
    /// <summary>No extension: the connection speaks exactly what Twisted speaks.</summary>
    None = 0,

    /// <summary>
    /// Stream arguments and answers (<see cref="System.IO.Stream"/>, <see cref="System.IO.Pipelines.PipeReader"/>),
    /// sent as chunk boxes with per-stream flow control (wire name <c>streams/1</c>).
    /// </summary>
    Streams = 1,

    /// <summary>
    /// Cancellation and deadlines that reach the peer: a cancelled call is cancelled in the peer's
    /// responder too, and a call's timeout travels with it (wire name <c>cancel/1</c>).
    /// </summary>
    Cancellation = 2,

    /// <summary>Keepalive pings on idle connections, to find a peer that stopped answering (wire name <c>keepalive/1</c>).</summary>
    KeepAlive = 4,

    /// <summary>A graceful close tells the peer it is going away, so the peer starts no new calls (wire name <c>goaway/1</c>).</summary>
    GoAway = 8,

    /// <summary>
    /// W3C trace context carried in call boxes, so the peer's span is a child of the caller's (wire name
    /// <c>trace/1</c>). Opt-in: not in <see cref="Default"/>.
    /// </summary>
    TraceContext = 16,

    /// <summary>What a connection offers unless told otherwise: every extension but <see cref="TraceContext"/>.</summary>
    Default = Streams | Cancellation | KeepAlive | GoAway,

    /// <summary>Every extension this version knows.</summary>
    All = Default | TraceContext,
}
