using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Amp.Negotiation.Logging;
using Amp.Negotiation.Phases;
using Amp.Tls;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Negotiation;

/// <summary>
/// One negotiating node (Foolscap's Tub): its id and offer, and its connections by peer id. It dials targets
/// (<see cref="ConnectAsync(NegotiationAddress, TlsLayerOptions, CancellationToken)"/>), serves targets through an
/// <see cref="AmpNegotiationServer"/>, or runs the encrypted phases on a stream a web server has already upgraded
/// (<see cref="AcceptUpgradedAsync(AmpTransport, string, TlsLayerOptions, CancellationToken)"/>). Each negotiation ends with AMP running over TLS with the decided extension set
/// (spec/amp-wire.md §16). Use one instance per node: the duplicate-connection rule (§16.7) keeps one connection per peer
/// and target across all of its connections, whichever side dialled.
/// </summary>
/// <remarks>All members are thread-safe; negotiations may run concurrently.</remarks>
public sealed class AmpNegotiator
{
    /// <summary>Creates a node.</summary>
    /// <param name="options">Its settings; the defaults (no id, every extension, no parameters) when omitted.</param>
    /// <exception cref="ArgumentException"><see cref="NegotiationOptions.ConnectionOptions"/> allows no layer (<see cref="AmpConnectionOptions.MaxLayerDepth"/> is 0): AMP runs inside the negotiation's TLS layer.</exception>
    public AmpNegotiator(NegotiationOptions? options = null)
    {
        Options = options ?? new NegotiationOptions();
        if (Options.ConnectionOptions.MaxLayerDepth < 1)
        {
            throw new ArgumentException("NegotiationOptions.ConnectionOptions.MaxLayerDepth is 0, but AMP runs inside the negotiation's TLS layer: allow at least 1.", nameof(options));
        }

        Logger = Options.ConnectionOptions.LoggerFactory.CreateLogger(Log.Category);
    }

    /// <summary>The node's settings.</summary>
    public NegotiationOptions Options { get; }

    /// <summary>A token drawn once per node and sent in every Hello block: a peer that sees it change knows this node restarted.</summary>
    internal string Incarnation { get; } = RandomNumberGenerator.GetHexString(16, lowercase: true);

    internal ILogger Logger { get; }

    internal PeerTable Peers { get; } = new();

    /// <summary>
    /// The running connection with the peer of id <paramref name="peerId"/> for <paramref name="target"/>, if this node has
    /// one (whichever side dialled): the one the duplicate-connection rule keeps (spec/amp-wire.md §16.7).
    /// </summary>
    /// <param name="peerId">The peer's id (from its Hello block).</param>
    /// <param name="target">The target id the connection was made for.</param>
    /// <param name="result">The connection and its decision.</param>
    /// <returns>Whether there is one.</returns>
    public bool TryGetConnection(string peerId, string target, [NotNullWhen(true)] out AmpNegotiationResult? result)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        ArgumentNullException.ThrowIfNull(target);
        result = Peers.Find(peerId, target);
        return result is not null;
    }

    /// <summary>
    /// Connects over TCP to <paramref name="address"/> and negotiates, following redirects to other addresses (at most
    /// <see cref="NegotiationOptions.MaxRedirects"/>; a loop fails at once). The whole of it is bounded by
    /// <see cref="NegotiationOptions.Timeout"/>.
    /// </summary>
    /// <param name="address">The host, port and target.</param>
    /// <param name="tls">
    /// This side's TLS settings, as the TLS client: the listening side's certificate is verified (against
    /// <see cref="TlsLayerOptions.TrustedAuthorities"/> or the system's roots). When <see cref="TlsLayerOptions.TargetHost"/>
    /// is not set, each address's host is used, so the certificate must name it.
    /// </param>
    /// <param name="cancellationToken">Abandons the negotiation.</param>
    /// <returns>The negotiated connection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AmpNegotiationException">The negotiation failed; <see cref="AmpNegotiationException.Failure"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<AmpNegotiationResult> ConnectAsync(NegotiationAddress address, TlsLayerOptions tls, CancellationToken cancellationToken = default) =>
        ConnectAsync(address, tls, static async (to, token) => await SocketTransport.ConnectTcpAsync(to.Host, to.Port, cancellationToken: token).ConfigureAwait(false), cancellationToken);

    /// <summary>
    /// Connects to <paramref name="address"/> with <paramref name="dial"/> and negotiates, following redirects through
    /// <paramref name="dial"/> as well. For transports other than TCP (Unix sockets, a test's in-memory pairs, a proxy).
    /// </summary>
    /// <param name="address">The host, port and target.</param>
    /// <param name="tls">This side's TLS settings (see <see cref="ConnectAsync(NegotiationAddress, TlsLayerOptions, CancellationToken)"/>).</param>
    /// <param name="dial">Opens a transport to an address; its exceptions fail the negotiation with <see cref="NegotiationFailure.TransportError"/>.</param>
    /// <param name="cancellationToken">Abandons the negotiation.</param>
    /// <returns>The negotiated connection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AmpNegotiationException">The negotiation failed; <see cref="AmpNegotiationException.Failure"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<AmpNegotiationResult> ConnectAsync(NegotiationAddress address, TlsLayerOptions tls, Func<NegotiationAddress, CancellationToken, ValueTask<AmpTransport>> dial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(dial);
        return ClientNegotiation.RunAsync(this, address, tls, transport: null, dial, cancellationToken);
    }

    /// <summary>
    /// Negotiates over a transport already open to <paramref name="address"/>'s listener. A redirect cannot be followed
    /// (nothing here dials): it fails with <see cref="NegotiationFailure.Redirected"/> and <see cref="AmpNegotiationException.RedirectedTo"/>.
    /// </summary>
    /// <param name="transport">The open transport; owned by the result's connection on success, closed on failure.</param>
    /// <param name="address">The host and port put in the request's <c>Host</c> header, and the target.</param>
    /// <param name="tls">This side's TLS settings (see <see cref="ConnectAsync(NegotiationAddress, TlsLayerOptions, CancellationToken)"/>).</param>
    /// <param name="cancellationToken">Abandons the negotiation.</param>
    /// <returns>The negotiated connection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AmpNegotiationException">The negotiation failed; <see cref="AmpNegotiationException.Failure"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<AmpNegotiationResult> ConnectAsync(AmpTransport transport, NegotiationAddress address, TlsLayerOptions tls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(tls);
        return ClientNegotiation.RunAsync(this, address, tls, transport, dial: null, cancellationToken);
    }

    /// <summary>
    /// The listening side's second half, for a server that did the plaintext phase itself: a web server (Kestrel with
    /// <c>IHttpUpgradeFeature</c>, behind a reverse proxy or not) that recognized the request
    /// (<see cref="NegotiationProtocol.TryParseTargetPath"/>, <see cref="NegotiationProtocol.IsAmpUpgrade"/>), answered
    /// <c>101 Switching Protocols</c> with <c>Upgrade: amp/1</c>, and hands over the upgraded byte stream. Runs TLS as the
    /// TLS server with <paramref name="tls"/>, the Hello blocks and the decision, bounded by <see cref="NegotiationOptions.Timeout"/>.
    /// </summary>
    /// <param name="upgraded">The byte stream right after the 101 answer (for a <see cref="Stream"/>, a <see cref="StreamTransport"/>
    /// with <see cref="AmpTransportRole.Acceptor"/>); owned by the result's connection on success, closed on failure.</param>
    /// <param name="target">The target id the request named.</param>
    /// <param name="tls">The target's TLS settings: its certificate (required) and what it asks of the client's.</param>
    /// <param name="cancellationToken">Abandons the negotiation.</param>
    /// <returns>The negotiated connection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not a valid id.</exception>
    /// <exception cref="AmpNegotiationException">The negotiation failed; <see cref="AmpNegotiationException.Failure"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AmpNegotiationResult> AcceptUpgradedAsync(AmpTransport upgraded, string target, TlsLayerOptions tls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upgraded);
        ArgumentNullException.ThrowIfNull(tls);
        NegotiationProtocol.TargetPath(target);
        using var deadline = new NegotiationDeadline(Options.Timeout, cancellationToken);
        Log.Negotiation.NegotiationStarted(Logger, upgraded.Description, "listening (upgraded)");
        try
        {
            return await AcceptCoreAsync(upgraded, target, tls, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Exception translated = await deadline.FailAsync(e, upgraded, Logger).ConfigureAwait(false);
            if (ReferenceEquals(translated, e))
            {
                throw;
            }

            throw translated;
        }
    }

    /// <summary>
    /// <see cref="AcceptUpgradedAsync(AmpTransport, string, TlsLayerOptions, CancellationToken)"/> over the upgraded
    /// <see cref="Stream"/> a web server hands over (Kestrel's <c>IHttpUpgradeFeature.UpgradeAsync()</c>), wrapped in a
    /// <see cref="StreamTransport"/> with <see cref="AmpTransportRole.Acceptor"/>.
    /// </summary>
    /// <param name="upgraded">The duplex stream right after the 101 answer; owned by the result's connection on success, disposed on failure.</param>
    /// <param name="target">The target id the request named.</param>
    /// <param name="tls">The target's TLS settings: its certificate (required) and what it asks of the client's.</param>
    /// <param name="cancellationToken">Abandons the negotiation.</param>
    /// <returns>The negotiated connection.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is not a valid id, or the stream cannot both read and write.</exception>
    /// <exception cref="AmpNegotiationException">The negotiation failed; <see cref="AmpNegotiationException.Failure"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<AmpNegotiationResult> AcceptUpgradedAsync(Stream upgraded, string target, TlsLayerOptions tls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upgraded);
        return AcceptUpgradedAsync(new StreamTransport(upgraded, AmpTransportRole.Acceptor), target, tls, cancellationToken);
    }

    /// <summary>The encrypted phases as the listening side, under this node's own timeout as well as <paramref name="cancellationToken"/>.</summary>
    internal async Task<AmpNegotiationResult> AcceptCoreAsync(AmpTransport transport, string target, TlsLayerOptions tls, CancellationToken cancellationToken)
    {
        using var own = new NegotiationDeadline(Options.Timeout, cancellationToken);
        try
        {
            return await EncryptedPhase.RunAsync(this, transport, tls, target, isConnectingSide: false, own.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (own.HasExpired)
        {
            throw own.Translate(e);
        }
    }

    internal NegotiationOffer CreateOffer(string? lastConnection) =>
        new(Options.Id, NegotiationProtocol.ProtocolVersion, NegotiationProtocol.ProtocolVersion, Options.ConnectionOptions.Extensions, Options.Parameters, Incarnation, lastConnection);
}
