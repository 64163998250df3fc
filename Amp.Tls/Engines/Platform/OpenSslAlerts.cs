using System.Security.Cryptography;

namespace Amp.Tls.Engines.Platform;

/// <summary>
/// Reads the alert the peer sent from what <see cref="System.Net.Security.SslStream"/> threw: on Linux its
/// engine is OpenSSL, and a received alert surfaces as a <see cref="CryptographicException"/> whose
/// <see cref="Exception.HResult"/> is OpenSSL's error code (library libssl, reason 1000 + the alert).
/// </summary>
internal static class OpenSslAlerts
{
    // OpenSSL's library number for libssl (ERR_LIB_SSL), and the offset it adds to a received alert's
    // description to make the error reason (SSL_AD_REASON_OFFSET): "tlsv1 alert unknown ca" is reason
    // 1000 + 48. Errors OpenSSL raises for its own checks (and the alerts it sends for them) have other reasons.
    private const int OpenSslLibSsl = 20;
    private const int OpenSslAlertReasonOffset = 1000;

    private static readonly Lazy<bool> s_openSsl3 = new(IsOpenSsl3);

    /// <summary>
    /// Finds, in <paramref name="error"/>'s chain, OpenSSL's error for an alert received from the peer, and
    /// returns the alert's description number (RFC 8446 §6).
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
