namespace Amp.Tls.Engines;

/// <summary>
/// One TLS implementation behind <see cref="TlsLayer"/>: runs the handshake over the record-at-a-time view of
/// the pipe below and returns the session that carries plaintext. What is common to every engine (options
/// checks, the handshake timeout and permit, the certificate rules of <see cref="PeerVerdict"/>, turning
/// failures into <see cref="TlsFailure"/> values, StopTLS) stays outside, in <see cref="TlsHandshake"/>,
/// <see cref="TlsErrors"/> and <see cref="TlsLayer"/>.
/// </summary>
internal interface ITlsEngine
{
    /// <summary>
    /// Runs the handshake. Throws the engine's own exceptions (classified by the caller with
    /// <see cref="TryGetReceivedAlert"/>, <paramref name="verdict"/> and <paramref name="records"/>), after
    /// releasing whatever it created; an alert it raises is sent to the peer before it throws.
    /// </summary>
    /// <param name="records">The view of the pipe below that hands the engine at most one record per read.</param>
    /// <param name="options">The layer's options, already checked.</param>
    /// <param name="isClient">Whether this side sends the ClientHello.</param>
    /// <param name="depth">The layer's depth, for <see cref="TlsConnectionInfo.Depth"/>.</param>
    /// <param name="verdict">Decides on the peer's certificate, and remembers why it refused one.</param>
    /// <param name="cancellationToken">Cancelled at the handshake timeout or by the caller.</param>
    Task<ITlsSession> HandshakeAsync(TlsRecordStream records, TlsLayerOptions options, bool isClient, int depth, PeerVerdict verdict, CancellationToken cancellationToken);

    /// <summary>Finds, in <paramref name="error"/>'s chain, a fatal alert received from the peer, and its description number.</summary>
    bool TryGetReceivedAlert(Exception error, out int alert);
}
