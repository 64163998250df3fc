using Amp.Tls;

namespace Amp.Tests.Tls;

/// <summary>
/// The part of a TLS failure's message that names the engine's own error (the rest of the message, and the
/// <see cref="TlsFailure"/> value, are the same whatever the engine).
/// </summary>
internal static class EngineErrors
{
    /// <summary>The innermost cause named when the peer's alert ended the handshake.</summary>
    public static string ReceivedAlertCause(TlsEngine engine) => engine == TlsEngine.SslStream ? "OpenSslCryptographicException" : "TlsFatalAlertReceived";

    /// <summary>The cause named when this side's engine refused the handshake itself (no common version, say).</summary>
    public static string LocalFailureCause(TlsEngine engine) => engine == TlsEngine.SslStream ? "OpenSslCryptographicException" : "TlsFatalAlert: protocol_version(70)";

    /// <summary>The cause named when the peer sent something that is not TLS.</summary>
    public static string NotTlsCause(TlsEngine engine) => engine == TlsEngine.SslStream ? "AuthenticationException: " : "TlsFatalAlert: ";

    /// <summary>The type of the engine's exception kept as the inner exception of a failed handshake.</summary>
    public static Type HandshakeExceptionType(TlsEngine engine) => engine == TlsEngine.SslStream
        ? typeof(System.Security.Authentication.AuthenticationException)
        : typeof(Org.BouncyCastle.Tls.TlsFatalAlertReceived);
}
