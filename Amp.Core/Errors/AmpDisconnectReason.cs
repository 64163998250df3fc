namespace Amp;

/// <summary>Why a connection ended.</summary>
public enum AmpDisconnectReason
{
    /// <summary>This side closed the connection.</summary>
    LocallyClosed = 1,

    /// <summary>
    /// The peer's byte stream ended: it closed the connection, its process exited, or it closed after
    /// sending a fatal error. If the stream ended inside a box, the inner exception is an
    /// <see cref="AmpProtocolException"/> with <see cref="AmpProtocolError.TruncatedBox"/>.
    /// </summary>
    RemoteClosed,

    /// <summary>Reading or writing failed (a socket error such as a reset, a broken pipe).</summary>
    TransportError,

    /// <summary>The peer broke the protocol (see <see cref="AmpProtocolException"/>).</summary>
    ProtocolViolation,

    /// <summary>
    /// This side sent a fatal error (a declared error with <c>Fatal = true</c>, or <c>UNKNOWN</c> with
    /// <see cref="AmpConnectionOptions.CloseOnUnknownError"/>). The side that receives it sees <see cref="RemoteClosed"/>.
    /// </summary>
    FatalError,

    /// <summary>A TLS handshake or TLS record failed.</summary>
    TlsFailure,

    /// <summary>The connection was handed to another protocol; AMP is no longer running on it.</summary>
    ProtocolSwitched,

    /// <summary>
    /// The peer was too slow: it sent nothing for the idle timeout while no call was in flight, or it sent
    /// a box slower than the minimum receive rate (<see cref="AmpConnectionOptions.IdleTimeout"/>,
    /// <see cref="AmpConnectionOptions.MinimumReceiveRate"/>). The inner exception is a <see cref="TimeoutException"/>.
    /// </summary>
    TimedOut,

    /// <summary>
    /// The peer sent nothing at all within <see cref="AmpConnectionOptions.KeepAliveTimeout"/> of a keepalive
    /// ping (or of the extension hello sent in its place) that followed <see cref="AmpConnectionOptions.KeepAliveInterval"/>
    /// of silence: its process is frozen, its host is gone or the network to it is cut. Only peers that agreed to
    /// the keepalive extension are pinged (docs/keepalive.md). The inner exception is a <see cref="TimeoutException"/>.
    /// </summary>
    KeepAliveTimeout,
}
