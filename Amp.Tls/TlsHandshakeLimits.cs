using System.Threading.RateLimiting;

namespace Amp.Tls;

/// <summary>
/// The bound on TLS handshakes in progress (<see cref="TlsLayerOptions.HandshakeLimiter"/>): its default,
/// and the permit a server-side handshake holds from before its TLS engine exists until it ends.
/// </summary>
internal static class TlsHandshakeLimits
{
    /// <summary>
    /// Handshakes in progress per processor by default. A handshake mostly waits for round trips; its CPU
    /// (the key exchange and the signature, well under 2 ms) is a small part of it, so several per core
    /// keep the cores busy, while the TLS engine's state of each one (tens of KB) stays bounded.
    /// </summary>
    public const int DefaultPermitsPerProcessor = 16;

    /// <summary>
    /// Handshakes that may wait for a permit by default, as a multiple of the permits. A waiting handshake
    /// holds no TLS state yet, and waits at most <see cref="TlsLayerOptions.HandshakeTimeout"/>.
    /// </summary>
    public const int DefaultQueuedPerPermit = 4;

    /// <summary>The default limiter: 16 handshakes per processor in progress, four times as many waiting, oldest first.</summary>
    public static ConcurrencyLimiter CreateDefault()
    {
        int permits = DefaultPermitsPerProcessor * Environment.ProcessorCount;
        return new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = permits,
            QueueLimit = permits * DefaultQueuedPerPermit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>
    /// Waits for a handshake permit from <paramref name="limiter"/>; <see langword="null"/> when there is no
    /// limiter. The caller disposes the lease when the handshake ends, whatever its outcome.
    /// </summary>
    /// <param name="limiter">The options' limiter, or <see langword="null"/> for no limit.</param>
    /// <param name="handshakeTimeout">The handshake's timeout, for the message.</param>
    /// <param name="timeout">Cancelled at the handshake's timeout or by the caller.</param>
    /// <param name="cancellationToken">The caller's token alone: its cancellation stays an <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="AmpTlsException"><see cref="TlsFailure.TooManyHandshakes"/>: the limiter refused, or gave no permit before the timeout.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async ValueTask<RateLimitLease?> AcquireAsync(RateLimiter? limiter, TimeSpan handshakeTimeout, CancellationToken timeout, CancellationToken cancellationToken)
    {
        if (limiter is null)
        {
            return null;
        }

        RateLimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(1, timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AmpTlsException(TlsFailure.TooManyHandshakes,
                $"The TLS handshake was refused: no handshake permit came within the handshake timeout of {handshakeTimeout.TotalSeconds:0.###} s "
                + "(too many handshakes in progress; TlsLayerOptions.HandshakeLimiter).", e);
        }

        if (!lease.IsAcquired)
        {
            string reason = lease.TryGetMetadata(MetadataName.ReasonPhrase, out string? phrase) && phrase is not null ? $" ({phrase})" : string.Empty;
            lease.Dispose();
            throw new AmpTlsException(TlsFailure.TooManyHandshakes,
                $"The TLS handshake was refused: too many handshakes are in progress or waiting{reason}; TlsLayerOptions.HandshakeLimiter.");
        }

        return lease;
    }
}
