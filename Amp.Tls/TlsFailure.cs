namespace Amp.Tls;

/// <summary>
/// Why a TLS layer failed. Each value is decided from what was observed (this side's certificate
/// verdict, a timer, the end of the layer below, exception types, the TLS engine's error codes), never
/// from message text; see docs/tls.md for which side sees which value.
/// </summary>
public enum TlsFailure
{
    /// <summary>
    /// This side refused the peer's certificate: it does not chain to a trusted authority, is missing, or
    /// was refused by <see cref="TlsLayerOptions.PeerCertificateCheck"/>. Raised by the handshake.
    /// </summary>
    UntrustedCertificate = 1,

    /// <summary>This side refused the peer's certificate because it has expired or is not valid yet. Raised by the handshake.</summary>
    ExpiredCertificate = 2,

    /// <summary>This side (the TLS client) refused the server's certificate because it does not name <see cref="TlsLayerOptions.TargetHost"/>.</summary>
    HostNameMismatch = 3,

    /// <summary>The handshake did not finish within <see cref="TlsLayerOptions.HandshakeTimeout"/>.</summary>
    HandshakeTimedOut = 4,

    /// <summary>
    /// The peer closed or reset the connection during the handshake (for example because it refused our
    /// certificate without telling why), in the middle of a TLS record, or, during
    /// <see cref="TlsLayer.StopAsync"/>, before sending its close_notify.
    /// </summary>
    PeerClosed = 5,

    /// <summary>
    /// The handshake failed inside the TLS engine for another reason: no common protocol version or cipher
    /// suite, a malformed or non-TLS record. The message carries the engine's error.
    /// </summary>
    HandshakeFailed = 6,

    /// <summary>
    /// The layer's options cannot work (no certificate or pre-shared key for the TLS server, a pre-shared key
    /// with the SslStream engine, a version the engine does not speak, no role for a transport that has
    /// none). Raised before anything is sent.
    /// </summary>
    InvalidOptions = 7,

    /// <summary>
    /// The peer sent a certificate alert (<c>bad_certificate</c>, <c>unsupported_certificate</c>,
    /// <c>certificate_revoked</c>, <c>certificate_expired</c>, <c>certificate_unknown</c>,
    /// <c>unknown_ca</c>, <c>access_denied</c> or <c>certificate_required</c>): it refused the certificate
    /// this side presented, or that this side presented none. In TLS 1.2, and for a refused server
    /// certificate, it ends the handshake; a TLS 1.3 client learns that its certificate was refused only on
    /// its first read after the handshake, so the layer's <see cref="TlsLayer.Input"/> throws it there.
    /// Detected from the TLS engine's error code (OpenSSL, on Linux); peers that close without an alert
    /// (Amp.NET's own, for one) produce <see cref="PeerClosed"/> or an ended input instead.
    /// </summary>
    PeerRejectedCertificate = 8,

    /// <summary>
    /// The peer sent another fatal TLS alert (for example <c>protocol_version</c> or
    /// <c>handshake_failure</c> when it shares no version or cipher suite with this side). The message
    /// names the alert. Detected from the TLS engine's error code (OpenSSL, on Linux).
    /// </summary>
    AlertReceived = 9,

    /// <summary>
    /// The layer below failed during the handshake (a socket error other than a reset, or an outer TLS
    /// layer's failure). After the handshake, failures of the layer below are not wrapped: they pass
    /// through the TLS layer's reads and writes unchanged.
    /// </summary>
    TransportFailed = 10,

    /// <summary>
    /// After the handshake, the TLS engine failed on a read or a write without an alert from the peer: a
    /// record that does not decrypt or is malformed, or an error inside the engine. The message carries
    /// the engine's error.
    /// </summary>
    ProtocolError = 11,

    /// <summary>
    /// During <see cref="TlsLayer.StopAsync"/>, the peer sent application data inside TLS before its
    /// close_notify (or the layer's input still held data nobody had read): nothing may travel in a layer
    /// being stopped, and those bytes would be lost.
    /// </summary>
    DataBeforeCloseNotify = 12,

    /// <summary>
    /// As the TLS server, this side refused the handshake before starting it: too many handshakes were in
    /// progress, and <see cref="TlsLayerOptions.HandshakeLimiter"/> gave no permit (its queue was full, or
    /// no permit came within <see cref="TlsLayerOptions.HandshakeTimeout"/>). Nothing TLS is sent; over
    /// StartTLS the connection is closed, and the peer sees it closed during its handshake.
    /// </summary>
    TooManyHandshakes = 13,

    /// <summary>
    /// Pre-shared keys (<see cref="TlsLayerOptions.PreSharedKey"/>): as the TLS server, this side knows no key
    /// for the identity the client offered (and cannot fall back to a certificate); as the TLS client, the
    /// server did not take this side's key and presented a certificate instead. Raised by the handshake. A
    /// key that both sides name alike but that differs fails as <see cref="HandshakeFailed"/> on the side that
    /// finds it out, and as <see cref="AlertReceived"/> (<c>decrypt_error</c>) on the other.
    /// </summary>
    UnknownPreSharedKey = 14,
}
