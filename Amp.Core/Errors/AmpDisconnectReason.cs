namespace Amp;

/// <summary>Why a connection ended.</summary>
public enum AmpDisconnectReason
{
    /// <summary>This side closed the connection.</summary>
    LocallyClosed = 1,

    /// <summary>The peer closed the byte stream at a box boundary.</summary>
    RemoteClosed,

    /// <summary>The transport failed (a socket error, a broken pipe, the child process died).</summary>
    TransportError,

    /// <summary>The peer broke the protocol (see <see cref="AmpProtocolException"/>).</summary>
    ProtocolViolation,

    /// <summary>A fatal error was sent or received (a declared fatal error, or Twisted's UNKNOWN close).</summary>
    FatalError,

    /// <summary>A TLS handshake or TLS record failed.</summary>
    TlsFailure,

    /// <summary>The connection was handed to another protocol; AMP is no longer running on it.</summary>
    ProtocolSwitched,
}
