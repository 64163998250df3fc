namespace Amp.Tls;

/// <summary>
/// Which TLS implementation runs a layer (<see cref="TlsLayerOptions.Engine"/>). Both run over the same
/// record-at-a-time view of the pipe below, so StartTLS, StopTLS, TLS in TLS (engines mixed per layer) and
/// the handshake limits work alike with either, and both verify the peer by the same rules.
/// </summary>
public enum TlsEngine
{
    /// <summary>
    /// The platform's TLS, <see cref="System.Net.Security.SslStream"/> (OpenSSL on Linux). The default. It
    /// cannot use pre-shared keys.
    /// </summary>
    SslStream = 0,

    /// <summary>
    /// BouncyCastle's managed TLS (<c>Org.BouncyCastle.Tls</c>, package BouncyCastle.Cryptography): TLS 1.3
    /// and 1.2 with certificates or pre-shared keys (<see cref="TlsLayerOptions.PreSharedKey"/>), the same on
    /// every operating system.
    /// </summary>
    BouncyCastle = 1,
}
