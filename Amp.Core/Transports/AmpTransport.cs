using System.IO.Pipelines;

namespace Amp.Transports;

/// <summary>
/// The bottom layer of a connection: a byte stream exposed as an <see cref="IDuplexPipe"/>.
/// Closing the transport (<see cref="DisposeAsync"/>) ends the connection.
/// </summary>
/// <remarks>
/// Reading completes (<see cref="ReadResult.IsCompleted"/>) when the peer closes its side;
/// completing <see cref="Output"/> half-closes the sending side where the transport supports it.
/// </remarks>
public abstract class AmpTransport : IDuplexPipe, IAsyncDisposable
{
    /// <inheritdoc/>
    public abstract PipeReader Input { get; }

    /// <inheritdoc/>
    public abstract PipeWriter Output { get; }

    /// <summary>
    /// Which side opened the byte stream. On TCP and Unix sockets the connecting side is
    /// <see cref="AmpTransportRole.Initiator"/>; TLS layers take their client or server role from this,
    /// as Twisted does.
    /// </summary>
    public abstract AmpTransportRole Role { get; }

    /// <summary>A short human-readable description, such as <c>tcp 127.0.0.1:5000-&gt;127.0.0.1:40112</c>.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Cancelled once the byte stream is gone for good: the peer reset it, it failed, or it was closed
    /// locally. A clean end of the peer's sending side does not cancel it (the bytes before that end are
    /// still to be read from <see cref="Input"/>). It lets a connection that is not reading, because its
    /// responders are busy or its queues are full, learn that its peer has left.
    /// </summary>
    /// <remarks>The default never cancels: a transport that cannot tell reports failures only through its pipes.</remarks>
    public virtual CancellationToken Closed => CancellationToken.None;

    /// <summary>
    /// Whether bytes flushed to <see cref="Output"/> are still waiting to be handed to the operating system
    /// (the keepalive sends no ping behind them). The default, for transports that cannot tell, is <see langword="false"/>.
    /// </summary>
    internal virtual bool HasUnsentOutput => false;

    /// <summary>
    /// Whether completing <see cref="Output"/> ends the byte stream towards the peer while <see cref="Input"/>
    /// goes on (a half-close); a graceful close waits for the peer's end only then.
    /// </summary>
    internal virtual bool HalfCloses => true;

    /// <summary>Closes the byte stream and releases its resources. Safe to call more than once.</summary>
    public abstract ValueTask DisposeAsync();

    /// <inheritdoc/>
    public override string ToString() => Description;
}
