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

    /// <summary>Closes the byte stream and releases its resources. Safe to call more than once.</summary>
    public abstract ValueTask DisposeAsync();

    /// <inheritdoc/>
    public override string ToString() => Description;
}
