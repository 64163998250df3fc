using System.Collections.Concurrent;
using Amp.Negotiation.Logging;
using Amp.Negotiation.Phases;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Negotiation;

/// <summary>
/// The listening side of the connection negotiation (spec/amp-wire.md §16): reads each connection's request, serves the
/// targets added here (101, then TLS with the target's certificate and its node's decision), redirects those that live
/// elsewhere (303), and answers anything else with a real HTTP error (404, 426 for an ordinary HTTP client, 400, 431,
/// 408), never hanging: the request is bounded in size and the whole negotiation in time.
/// </summary>
/// <remarks>
/// All members are thread-safe; targets and redirects may be added while connections are being served. A target id is
/// either served or redirected, never both.
/// </remarks>
public sealed class AmpNegotiationServer
{
    private readonly ConcurrentDictionary<string, NegotiationTarget> _targets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NegotiationAddress> _redirects = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    /// <summary>Creates a server with no target.</summary>
    /// <param name="options">The plaintext phase's bounds; the defaults when omitted.</param>
    public AmpNegotiationServer(NegotiationServerOptions? options = null)
    {
        Options = options ?? new NegotiationServerOptions();
        _logger = Options.LoggerFactory.CreateLogger(Log.Category);
    }

    /// <summary>The server's settings.</summary>
    public NegotiationServerOptions Options { get; }

    /// <summary>Serves <paramref name="target"/>.</summary>
    /// <param name="target">The target.</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A target or a redirect of that id exists.</exception>
    public AmpNegotiationServer AddTarget(NegotiationTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_redirects.ContainsKey(target.Id) || !_targets.TryAdd(target.Id, target))
        {
            throw new ArgumentException($"The target id {target.Id} is already served or redirected here.", nameof(target));
        }

        return this;
    }

    /// <summary>Redirects requests for <paramref name="targetId"/> to <paramref name="location"/> (303 See Other).</summary>
    /// <param name="targetId">The target id requested here.</param>
    /// <param name="location">Where the target lives (another host, port, or target id).</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="location"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="targetId"/> is not a valid id, or a target or a redirect of that id exists.</exception>
    public AmpNegotiationServer AddRedirect(string targetId, NegotiationAddress location)
    {
        ArgumentNullException.ThrowIfNull(location);
        NegotiationProtocol.TargetPath(targetId);
        if (_targets.ContainsKey(targetId) || !_redirects.TryAdd(targetId, location))
        {
            throw new ArgumentException($"The target id {targetId} is already served or redirected here.", nameof(targetId));
        }

        return this;
    }

    /// <summary>
    /// Negotiates one accepted connection: the request, then for a target served here its TLS, Hello blocks and decision.
    /// Bounded by <see cref="NegotiationServerOptions.Timeout"/> (and the target node's own timeout).
    /// </summary>
    /// <param name="transport">The accepted connection; owned by the result's connection on success, closed on failure.</param>
    /// <param name="cancellationToken">Abandons the negotiation.</param>
    /// <returns>The negotiated connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is <see langword="null"/>.</exception>
    /// <exception cref="AmpNegotiationException">
    /// Anything but a negotiated connection, including the answers this side gave: <see cref="NegotiationFailure.Redirected"/>,
    /// <see cref="NegotiationFailure.UnknownTarget"/>, <see cref="NegotiationFailure.NotAnAmpRequest"/>, and the failures.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AmpNegotiationResult> AcceptAsync(AmpTransport transport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        using var deadline = new NegotiationDeadline(Options.Timeout, cancellationToken);
        Log.Negotiation.NegotiationStarted(_logger, transport.Description, "listening");
        NegotiationTarget? target = null;
        try
        {
            target = await new PlaintextServer(transport, Options, _logger).RunAsync(FindTarget, FindRedirect, deadline).ConfigureAwait(false);
            return await target.Negotiator.AcceptCoreAsync(transport, target.Id, target.Tls, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Exception translated = await deadline.FailAsync(e, transport, target?.Negotiator.Logger ?? _logger).ConfigureAwait(false);
            if (ReferenceEquals(translated, e))
            {
                throw;
            }

            throw translated;
        }
    }

    /// <summary>
    /// Accepts connections from <paramref name="listener"/> until <paramref name="cancellationToken"/> is cancelled or the
    /// listener is disposed, negotiating each on its own task and handing every negotiated connection to
    /// <paramref name="connected"/>. Failed negotiations are logged (category <c>Amp.Negotiation</c>) and dropped.
    /// </summary>
    /// <param name="listener">Where connections come from.</param>
    /// <param name="connected">
    /// Gets each negotiated connection, on the connection's own task; it may run for as long as it likes. If it throws,
    /// the connection is closed and the exception logged.
    /// </param>
    /// <param name="cancellationToken">Stops accepting, and cancels the negotiations in progress.</param>
    /// <returns>A task that completes when accepting has stopped and the negotiations in progress and handlers running have ended.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">Accepting failed (the task faults once the negotiations in progress have ended).</exception>
    public async Task ServeAsync(SocketListener listener, Func<AmpNegotiationResult, Task> connected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(connected);
        var running = new ConcurrentDictionary<Task, bool>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                AmpTransport transport;
                try
                {
                    transport = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
                {
                    // Cancelled, or the listener was disposed: the normal ways to stop.
                    break;
                }

                Task serving = ServeOneAsync(transport, connected, cancellationToken);
                running.TryAdd(serving, true);
                _ = serving.ContinueWith((done, state) => ((ConcurrentDictionary<Task, bool>)state!).TryRemove(done, out _), running,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        finally
        {
            await Task.WhenAll(running.Keys).ConfigureAwait(false);
        }
    }

    private async Task ServeOneAsync(AmpTransport transport, Func<AmpNegotiationResult, Task> connected, CancellationToken cancellationToken)
    {
        AmpNegotiationResult result;
        try
        {
            result = await AcceptAsync(transport, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmpNegotiationException or OperationCanceledException)
        {
            // Logged where it happened; the transport is closed.
            return;
        }

        try
        {
            await connected(result).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.Negotiation.ConnectedHandlerFailed(_logger, transport.Description, e);
            await result.Connection.CloseAsync().ConfigureAwait(false);
        }
    }

    private NegotiationTarget? FindTarget(string id) => _targets.GetValueOrDefault(id);

    private NegotiationAddress? FindRedirect(string id) => _redirects.GetValueOrDefault(id);
}
