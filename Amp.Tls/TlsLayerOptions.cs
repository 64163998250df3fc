using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;

namespace Amp.Tls;

/// <summary>
/// Settings of one TLS layer. The peer's certificate is verified by default: against
/// <see cref="TrustedAuthorities"/> when set (pinning a private CA is one line), else against the
/// system's roots. Accepting any certificate takes <see cref="AllowAnyPeerCertificate"/>.
/// <see cref="Engine"/> picks the TLS implementation; with <see cref="TlsEngine.BouncyCastle"/> the peers
/// may authenticate each other with a <see cref="PreSharedKey"/> instead of certificates.
/// </summary>
/// <remarks>
/// Options that cannot work (a pre-shared key with the <see cref="TlsEngine.SslStream"/> engine, a TLS
/// version the engine does not speak) are refused before anything is sent: by
/// <see cref="TlsLayer.StartAsync(System.IO.Pipelines.IDuplexPipe, TlsLayerOptions, TlsRole, CancellationToken)"/>
/// and StartTLS with <see cref="AmpTlsException"/> (<see cref="TlsFailure.InvalidOptions"/>), by
/// <c>AddStartTls(options)</c> with <see cref="ArgumentException"/>.
/// </remarks>
public sealed record TlsLayerOptions
{
    private readonly TimeSpan _handshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>This side's certificate, with its private key. Required for the TLS server; optional for a client.</summary>
    public X509Certificate2? LocalCertificate { get; init; }

    /// <summary>
    /// The only authorities the peer's certificate may chain to (for example a private CA). When empty,
    /// the system's trusted roots are used.
    /// </summary>
    public X509Certificate2Collection TrustedAuthorities { get; init; } = [];

    /// <summary>
    /// As the TLS server, whether the client must present a certificate (verified like any peer
    /// certificate). Default <see langword="false"/>. A server with <see cref="TrustedAuthorities"/>
    /// asks for and requires a client certificate chaining to them either way, as Twisted's does.
    /// </summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>As the TLS client, the name sent as SNI and, when <see cref="CheckHostName"/> is on, required in the server's certificate.</summary>
    public string? TargetHost { get; init; }

    /// <summary>
    /// Whether the server certificate must name <see cref="TargetHost"/>. Default <see langword="true"/>;
    /// has no effect without a target host (Twisted checks no names).
    /// </summary>
    public bool CheckHostName { get; init; } = true;

    /// <summary>
    /// The TLS versions allowed; <see cref="SslProtocols.None"/> (the default) lets the system choose (TLS 1.2
    /// and 1.3). The <see cref="TlsEngine.BouncyCastle"/> engine speaks only <see cref="SslProtocols.Tls12"/>
    /// and <see cref="SslProtocols.Tls13"/> (None means both).
    /// </summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    /// <summary>Which end of the handshake this side plays. Default <see cref="TlsRole.Automatic"/>.</summary>
    public TlsRole Role { get; init; }

    /// <summary>How long the handshake may take. Default 10 seconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan HandshakeTimeout
    {
        get => _handshakeTimeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _handshakeTimeout = value;
        }
    }

    /// <summary>
    /// Bounds the handshakes in progress in which this side is the TLS server, the side a connecting peer
    /// makes spend: each holds the TLS engine's state until it ends and, when it completes, CPU for the
    /// signature. A handshake takes one permit before its TLS engine is created, waiting (as part of
    /// <see cref="HandshakeTimeout"/>) while the limiter queues it, and gives it back when it ends,
    /// however it ends. With no permit (queue full, or none before the timeout) the handshake fails with
    /// <see cref="TlsFailure.TooManyHandshakes"/>. Handshakes as the TLS client are not limited: this side
    /// starts those itself.
    /// </summary>
    /// <remarks>
    /// By default every options instance gets its own <see cref="ConcurrencyLimiter"/>: 16 handshakes per
    /// processor (<see cref="Environment.ProcessorCount"/>) in progress and four times as many waiting, oldest
    /// first. A server passes one instance to <c>AddStartTls</c> for all its connections, so they share it;
    /// a copy made with <c>with</c> shares it too. Options built anew for each connection each get a limiter of
    /// their own and so bound nothing: set one limiter on all of them. Any <see cref="RateLimiter"/> works
    /// (a <see cref="TokenBucketRateLimiter"/> bounds handshakes per second); <see langword="null"/> for no limit.
    /// </remarks>
    public RateLimiter? HandshakeLimiter { get; init; } = TlsHandshakeLimits.CreateDefault();

    /// <summary>
    /// INSECURE: accept any peer certificate, or none, without verification. For tests and for peers
    /// whose identity does not matter; traffic is encrypted but the peer is not authenticated.
    /// </summary>
    public bool AllowAnyPeerCertificate { get; init; }

    /// <summary>An extra check run after the built-in verification succeeds; return <see langword="false"/> to refuse the peer.</summary>
    public Func<X509Certificate2, bool>? PeerCertificateCheck { get; init; }

    /// <summary>The TLS implementation of the layer. Default <see cref="TlsEngine.SslStream"/>, the platform's.</summary>
    public TlsEngine Engine { get; init; }

    /// <summary>
    /// A key both peers hold, to authenticate each other without certificates (needs
    /// <see cref="TlsEngine.BouncyCastle"/>). As the TLS client: the key offered, and the only way the server
    /// may authenticate (a server that answers with a certificate instead is refused,
    /// <see cref="TlsFailure.UnknownPreSharedKey"/>); TLS 1.3 uses it as an external PSK with an ECDHE key
    /// share, TLS 1.2 with PSK cipher suites. As the TLS server: a client offering this identity must prove
    /// this key; clients without a pre-shared key still get the certificate handshake when
    /// <see cref="LocalCertificate"/> is set.
    /// </summary>
    public TlsPreSharedKey? PreSharedKey { get; init; }

    /// <summary>
    /// As the TLS server, finds the key for the identity a client offers (needs
    /// <see cref="TlsEngine.BouncyCastle"/>): return the key's bytes, or <see langword="null"/> for an identity
    /// this side does not know (the handshake then fails with <see cref="TlsFailure.UnknownPreSharedKey"/>,
    /// unless a certificate handshake can go on). Consulted when <see cref="PreSharedKey"/> does not name the
    /// identity. It runs inside the handshake: keep it quick, and never block on I/O in it.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, byte[]?>? PreSharedKeyLookup { get; init; }

    /// <summary>Whether a pre-shared key is configured for either role.</summary>
    internal bool UsesPreSharedKeys => PreSharedKey is not null || PreSharedKeyLookup is not null;

    /// <summary>
    /// Why these options cannot work, or <see langword="null"/>. <paramref name="isClient"/> is the role when
    /// known; without it only what is wrong in any role is found.
    /// </summary>
    internal string? FindProblem(bool? isClient)
    {
        if (!Enum.IsDefined(Engine))
        {
            return $"Unknown TLS engine {(int)Engine} (TlsLayerOptions.Engine).";
        }

        if (Engine == TlsEngine.SslStream && UsesPreSharedKeys)
        {
            return "The SslStream engine cannot use pre-shared keys (TlsLayerOptions.PreSharedKey, PreSharedKeyLookup): set Engine = TlsEngine.BouncyCastle.";
        }

        if (Engine == TlsEngine.BouncyCastle && (EnabledProtocols & ~(SslProtocols.Tls12 | SslProtocols.Tls13)) != 0)
        {
            return $"The BouncyCastle engine speaks TLS 1.2 and 1.3 only, not {EnabledProtocols} (TlsLayerOptions.EnabledProtocols).";
        }

        if (LocalCertificate is { HasPrivateKey: false } certificate)
        {
            return $"The certificate {certificate.Subject} (TlsLayerOptions.LocalCertificate) has no private key.";
        }

        if (isClient == false && LocalCertificate is null && !UsesPreSharedKeys)
        {
            return Engine == TlsEngine.SslStream
                ? "The TLS server side needs a certificate (TlsLayerOptions.LocalCertificate)."
                : "The TLS server side needs a certificate (TlsLayerOptions.LocalCertificate) or a pre-shared key (PreSharedKey, PreSharedKeyLookup).";
        }

        return null;
    }

    /// <summary>Options that trust only <paramref name="authority"/> for the peer and present <paramref name="certificate"/>.</summary>
    /// <param name="certificate">This side's certificate with its key, or <see langword="null"/>.</param>
    /// <param name="authority">The private CA the peer's certificate must chain to.</param>
    /// <returns>The options.</returns>
    public static TlsLayerOptions PinnedTo(X509Certificate2 authority, X509Certificate2? certificate = null) =>
        new() { TrustedAuthorities = [authority], LocalCertificate = certificate };
}
