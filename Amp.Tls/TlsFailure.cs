namespace Amp.Tls;

/// <summary>Why a TLS layer could not be set up.</summary>
public enum TlsFailure
{
    /// <summary>The peer's certificate does not chain to a trusted authority (or is missing).</summary>
    UntrustedCertificate = 1,

    /// <summary>The peer's certificate has expired or is not valid yet.</summary>
    ExpiredCertificate,

    /// <summary>The server's certificate does not name the expected host.</summary>
    HostNameMismatch,

    /// <summary>The handshake did not finish within the configured time.</summary>
    HandshakeTimedOut,

    /// <summary>The peer closed the connection during the handshake (for example because it rejected our certificate).</summary>
    PeerClosed,

    /// <summary>The handshake failed for another reason (no common protocol version or cipher, a malformed record...).</summary>
    HandshakeFailed,

    /// <summary>The layer's options cannot work (no certificate for the TLS server, no role for a transport that has none).</summary>
    InvalidOptions,
}
