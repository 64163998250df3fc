namespace Amp.Hosting;

/// <summary>The TLS a listener offers through StartTLS: its certificate and what it asks of clients.</summary>
public sealed class AmpListenerTlsOptions
{
    /// <summary>The server's certificate, with its private key. Required.</summary>
    public AmpCertificateOptions? Certificate { get; init; }

    /// <summary>
    /// Paths of PEM (or DER) files of the authorities a client's certificate must chain to. Empty: the system's
    /// trusted roots.
    /// </summary>
    public IList<string> TrustedAuthorities { get; } = [];

    /// <summary>
    /// Whether a client must present a certificate (mutual TLS), verified against <see cref="TrustedAuthorities"/>
    /// or the system's roots. With <see cref="TrustedAuthorities"/> set a client certificate chaining to them is
    /// required either way, as Twisted does. Default <see langword="false"/>.
    /// </summary>
    public bool ClientCertificateRequired { get; init; }

    /// <summary>How long a TLS handshake may take; <see langword="null"/>: the default of <c>TlsLayerOptions</c> (10 seconds).</summary>
    public TimeSpan? HandshakeTimeout { get; init; }

    /// <summary>
    /// How many TLS handshakes of this listener may run at once; four times as many may wait their turn
    /// (within the handshake timeout), oldest first. <see langword="null"/>: Amp.Tls's default (16 per processor).
    /// </summary>
    public int? MaxConcurrentHandshakes { get; init; }
}
