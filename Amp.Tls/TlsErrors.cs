using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;

namespace Amp.Tls;

/// <summary>
/// Turns what the TLS engine threw into one <see cref="TlsFailure"/>, from what was observed: this side's
/// certificate verdict, the record stream's view of the layer below (ended, or failed with its own
/// exception), exception types, socket error codes and the TLS engine's error codes. Message text is only
/// ever copied into the human message, never examined.
/// </summary>
internal static class TlsErrors
{
    // OpenSSL's library number for libssl (ERR_LIB_SSL), and the offset it adds to a received alert's
    // description to make the error reason (SSL_AD_REASON_OFFSET): "tlsv1 alert unknown ca" is reason
    // 1000 + 48. Errors OpenSSL raises for its own checks (and the alerts it sends for them) have other reasons.
    private const int OpenSslLibSsl = 20;
    private const int OpenSslAlertReasonOffset = 1000;

    private static readonly Lazy<bool> s_openSsl3 = new(IsOpenSsl3);

    /// <summary>Classifies a failed handshake.</summary>
    public static AmpTlsException FromHandshake(Exception error, PeerVerdict verdict, TlsRecordStream records)
    {
        if (verdict.Failure is { } refused)
        {
            return new AmpTlsException(refused, verdict.Reason!, error);
        }

        if (TryGetReceivedAlert(error, out int alert))
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
    public static AmpTlsException? FromTransfer(Exception error, TlsRecordStream records, string operation)
    {
        if (error is OperationCanceledException || records.LowerFailure is not null || error is not (IOException or AuthenticationException))
        {
            return null;
        }

        if (TryGetReceivedAlert(error, out int alert))
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

    /// <summary>
    /// Finds, in <paramref name="error"/>'s chain, the TLS engine's error for an alert received from the
    /// peer, and returns the alert's description number (RFC 8446 §6). OpenSSL (Linux) reports it as a
    /// <see cref="CryptographicException"/> whose <see cref="Exception.HResult"/> is the OpenSSL error
    /// code: library libssl, reason 1000 + the alert's description.
    /// </summary>
    public static bool TryGetReceivedAlert(Exception error, out int alert)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is CryptographicException && TryDecodeOpenSslError(e.HResult, out int library, out int reason)
                && library == OpenSslLibSsl && reason is >= OpenSslAlertReasonOffset and <= OpenSslAlertReasonOffset + 255)
            {
                alert = reason - OpenSslAlertReasonOffset;
                return true;
            }
        }

        alert = 0;
        return false;
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
    private static bool IsCertificateAlert(int alert) => alert is
        42      // bad_certificate
        or 43   // unsupported_certificate
        or 44   // certificate_revoked
        or 45   // certificate_expired
        or 46   // certificate_unknown
        or 48   // unknown_ca
        or 49   // access_denied
        or 116; // certificate_required

    private static string AlertText(int alert)
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

    /// <summary>
    /// Splits an OpenSSL error code: OpenSSL 3 packs the library in bits 23-30 and the reason in bits
    /// 0-22 (bit 31 marks a system error); OpenSSL 1.1 the library in bits 24-31 and the reason in bits 0-11.
    /// </summary>
    private static bool TryDecodeOpenSslError(int code, out int library, out int reason)
    {
        library = 0;
        reason = 0;
        if (code <= 0 || !(OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD()))
        {
            // Negative: an HRESULT (or OpenSSL 3's system-error flag), not a libssl error.
            return false;
        }

        if (s_openSsl3.Value)
        {
            library = (code >> 23) & 0xFF;
            reason = code & 0x7FFFFF;
        }
        else
        {
            library = (code >> 24) & 0xFF;
            reason = code & 0xFFF;
        }

        return true;
    }

    private static bool IsOpenSsl3()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD()))
        {
            return false;
        }

        try
        {
            return SafeEvpPKeyHandle.OpenSslVersion >= 0x3000_0000;
        }
        catch (Exception e) when (e is PlatformNotSupportedException or TypeInitializationException or DllNotFoundException or EntryPointNotFoundException)
        {
            return true;
        }
    }
}
