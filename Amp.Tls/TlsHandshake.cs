using System.IO.Pipelines;
using System.Threading.RateLimiting;
using Amp.Tls.Engines;

namespace Amp.Tls;

/// <summary>
/// The handshake of a TLS layer, the same whatever the engine: check the options, start the timeout, take a
/// permit as the TLS server, run the engine over the record-at-a-time view of the pipe below, and turn a
/// failure into one <see cref="AmpTlsException"/>.
/// </summary>
internal static class TlsHandshake
{
    /// <summary>Runs the handshake; returns the engine's session and the view of the pipe below it reads.</summary>
    /// <exception cref="AmpTlsException">The options cannot work, or the handshake failed or timed out.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<(ITlsSession Session, TlsRecordStream Records, ITlsEngine Engine)> RunAsync(
        IDuplexPipe below, TlsLayerOptions options, bool isClient, int depth, CancellationToken cancellationToken)
    {
        if (options.FindProblem(isClient) is { } problem)
        {
            throw new AmpTlsException(TlsFailure.InvalidOptions, problem);
        }

        ITlsEngine engine = TlsEngines.For(options.Engine);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);

        // Held until the handshake ends, whatever the outcome; taken before the TLS engine exists, so a
        // handshake waiting for its turn holds none of its state.
        using RateLimitLease? permit = isClient
            ? null
            : await TlsHandshakeLimits.AcquireAsync(options.HandshakeLimiter, options.HandshakeTimeout, timeout.Token, cancellationToken).ConfigureAwait(false);
        var verdict = new PeerVerdict();
        var records = new TlsRecordStream(below);
        try
        {
            ITlsSession session = await engine.HandshakeAsync(records, options, isClient, depth, verdict, timeout.Token).ConfigureAwait(false);
            return (session, records, engine);
        }
        catch (AmpTlsException)
        {
            // Already named by the engine (a certificate it cannot use, say).
            throw;
        }
        catch (Exception e)
        {
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The TLS handshake was cancelled.", e, cancellationToken);
            }

            if (e is OperationCanceledException && timeout.IsCancellationRequested && verdict.Failure is null)
            {
                throw new AmpTlsException(TlsFailure.HandshakeTimedOut,
                    $"The TLS handshake did not finish within {options.HandshakeTimeout.TotalSeconds:0.###} s.", e);
            }

            throw TlsErrors.FromHandshake(e, verdict, records, engine);
        }
    }
}
