using System.Net.Sockets;
using System.Security.Authentication;
using Amp.Tls.Engines;

namespace Amp.Tls;

/// <summary>
/// Turns what a TLS engine threw into one <see cref="TlsFailure"/>, from what was observed: this side's
/// certificate verdict, the record stream's view of the layer below (ended, or failed with its own
/// exception), exception types, socket error codes and the alert the engine says it received
/// (<see cref="ITlsEngine.TryGetReceivedAlert"/>). The same rules for every engine. Message text is only
/// ever copied into the human message, never examined.
/// </summary>
internal static class TlsErrors
{
    /// <summary>Classifies a failed handshake.</summary>
    public static AmpTlsException FromHandshake(Exception error, PeerVerdict verdict, TlsRecordStream records, ITlsEngine engine)
    {
        if (verdict.Failure is { } refused)
        {
            return new AmpTlsException(refused, verdict.Reason!, error);
        }

        if (engine.TryGetReceivedAlert(error, out int alert))
        {
            return IsCertificateAlert(alert)
                ? new AmpTlsException(TlsFailure.PeerRejectedCertificate,
                    $"The TLS handshake failed: the peer refused our certificate (it sent the alert {AlertText(alert)}). Cause: {Cause(error)}", error)
                : new AmpTlsException(TlsFailure.AlertReceived,
                    $"The TLS handshake failed: the peer sent the alert {AlertText(alert)}. Cause: {Cause(error)}", error);
        }

        if (records.LowerFailure is { } lower)
        {
            return IsReset(lower)
                ? new AmpTlsException(TlsFailure.PeerClosed,
                    $"The peer reset the connection during the TLS handshake (it may have refused our certificate, or had too many handshakes in progress). Cause: {Cause(lower)}", error)
                : new AmpTlsException(TlsFailure.TransportFailed,
                    $"The layer below failed during the TLS handshake. Cause: {Cause(lower)}", error);
        }

        if (records.InputEnded)
        {
            return new AmpTlsException(TlsFailure.PeerClosed,
                "The peer closed the connection during the TLS handshake (it may have refused our certificate, or had too many handshakes in progress).", error);
        }

        return new AmpTlsException(TlsFailure.HandshakeFailed, $"The TLS handshake failed. Cause: {Cause(error)}", error);
    }

    /// <summary>
    /// Classifies a failed read, write or shutdown after the handshake. Returns <see langword="null"/> when
    /// it is not a TLS failure of this layer: cancellation, misuse (a second concurrent read, a disposed
    /// layer), or a failure of the layer below (<see cref="TlsRecordStream.LowerFailure"/>), which the
    /// caller rethrows as it was thrown.
    /// </summary>
    public static AmpTlsException? FromTransfer(Exception error, TlsRecordStream records, string operation, ITlsEngine engine)
    {
        if (error is OperationCanceledException || records.LowerFailure is not null || error is not (IOException or AuthenticationException))
        {
            return null;
        }

        if (engine.TryGetReceivedAlert(error, out int alert))
        {
            return IsCertificateAlert(alert)
                ? new AmpTlsException(TlsFailure.PeerRejectedCertificate,
                    $"{operation} failed: the peer refused our certificate after the handshake (it sent the alert {AlertText(alert)}). Cause: {Cause(error)}", error)
                : new AmpTlsException(TlsFailure.AlertReceived,
                    $"{operation} failed: the peer sent the alert {AlertText(alert)}. Cause: {Cause(error)}", error);
        }

        if (records.InputEnded)
        {
            return new AmpTlsException(TlsFailure.PeerClosed,
                $"{operation} failed: the peer closed the connection in the middle of a TLS record. Cause: {Cause(error)}", error);
        }

        return new AmpTlsException(TlsFailure.ProtocolError, $"{operation} failed. Cause: {Cause(error)}", error);
    }

    /// <summary>The innermost exception's type and message: the real cause, under "Authentication failed, see inner exception".</summary>
    public static string Cause(Exception error)
    {
        Exception innermost = error;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        return $"{innermost.GetType().Name}: {innermost.Message}";
    }

    /// <summary>The alerts that say the peer refused the certificate we presented, or our lack of one.</summary>
    internal static bool IsCertificateAlert(int alert) => alert is
        42      // bad_certificate
        or 43   // unsupported_certificate
        or 44   // certificate_revoked
        or 45   // certificate_expired
        or 46   // certificate_unknown
        or 48   // unknown_ca
        or 49   // access_denied
        or 116; // certificate_required

    internal static string AlertText(int alert)
    {
        string? name = alert switch
        {
            10 => "unexpected_message",
            20 => "bad_record_mac",
            22 => "record_overflow",
            40 => "handshake_failure",
            42 => "bad_certificate",
            43 => "unsupported_certificate",
            44 => "certificate_revoked",
            45 => "certificate_expired",
            46 => "certificate_unknown",
            47 => "illegal_parameter",
            48 => "unknown_ca",
            49 => "access_denied",
            50 => "decode_error",
            51 => "decrypt_error",
            70 => "protocol_version",
            71 => "insufficient_security",
            80 => "internal_error",
            86 => "inappropriate_fallback",
            90 => "user_canceled",
            109 => "missing_extension",
            110 => "unsupported_extension",
            112 => "unrecognized_name",
            113 => "bad_certificate_status_response",
            115 => "unknown_psk_identity",
            116 => "certificate_required",
            120 => "no_application_protocol",
            _ => null,
        };
        return name is null ? $"number {alert}" : $"{name} ({alert})";
    }

    private static bool IsReset(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted })
            {
                return true;
            }
        }

        return false;
    }
}
