using Amp.Hosting;
using Amp.Negotiation;
using Amp.Tls;

namespace Amp.AspNetCore;

/// <summary>
/// The targets <see cref="AmpWebEndpointRouteBuilderExtensions.MapAmp"/> serves on the web port, each with its own TLS
/// certificate, and the targets it redirects elsewhere. Filled in the delegate given to
/// <see cref="AmpWebServiceCollectionExtensions.AddAmpWeb"/>. A target id is either served or redirected, never both.
/// </summary>
public sealed class AmpWebOptions
{
    /// <summary>What the name of a target's entry point begins with: target <c>chat</c> is the AMP server's entry point <c>web:chat</c>.</summary>
    public const string EntryPointPrefix = "web:";

    private readonly AmpServerBuilder _server;
    private readonly Dictionary<string, WebTargetSpec> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NegotiationAddress> _redirects = new(StringComparer.Ordinal);

    internal AmpWebOptions(AmpServerBuilder server) => _server = server;

    internal IReadOnlyCollection<WebTargetSpec> Targets => _targets.Values;

    internal IReadOnlyDictionary<string, NegotiationAddress> Redirects => _redirects;

    /// <summary>The name of the AMP server's entry point for target <paramref name="targetId"/>: the <see cref="AmpConnectionContext.ListenerName"/> of its connections.</summary>
    /// <param name="targetId">The target id.</param>
    /// <returns><see cref="EntryPointPrefix"/> followed by the id.</returns>
    public static string EntryPointName(string targetId) => EntryPointPrefix + targetId;

    /// <summary>
    /// Serves target <paramref name="id"/> with the AMP server's responders (those added to the
    /// <see cref="AmpServerBuilder"/>: responder types resolved from each connection's service scope). Its connections are
    /// the server's entry point <c>web:&lt;id&gt;</c>: listed in <see cref="IAmpConnections"/>, closed gracefully when the host stops.
    /// </summary>
    /// <param name="id">The target id a client asks for (<c>GET /amp/&lt;id&gt;</c>).</param>
    /// <param name="tls">The target's TLS settings: its certificate (required: this side is the TLS server) and what it asks of the client's.</param>
    /// <param name="negotiation">
    /// Builds the target's node settings (its id, parameters, decision hook, timeout) around the connection options it is given,
    /// which must be its <see cref="NegotiationOptions.ConnectionOptions"/>; called once, as the host starts.
    /// <see langword="null"/>: a node without an id, with the defaults.
    /// </param>
    /// <param name="connection">The limits and settings of the target's AMP connections; <see langword="null"/> keeps Amp.NET's defaults.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tls"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is not a valid id or is taken, <paramref name="tls"/> has no certificate, or a setting is out of range.</exception>
    public AmpWebOptions AddTarget(string id, TlsLayerOptions tls, Func<AmpConnectionOptions, NegotiationOptions>? negotiation = null, AmpListenerConnectionOptions? connection = null)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (tls.LocalCertificate is null)
        {
            throw new ArgumentException("A target needs a certificate (TlsLayerOptions.LocalCertificate): its side is the TLS server.", nameof(tls));
        }

        return Add(id, new WebTargetSpec(id, tls, negotiation ?? (options => new NegotiationOptions { ConnectionOptions = options }), null), connection);
    }

    /// <summary>
    /// Serves <paramref name="target"/> with its own node: its responders and settings are those of the node's
    /// <see cref="NegotiationOptions.ConnectionOptions"/>, as with <see cref="AmpNegotiationServer.AddTarget"/>. Its connections
    /// are still the AMP server's entry point <c>web:&lt;id&gt;</c> (listed, closed gracefully when the host stops).
    /// </summary>
    /// <param name="target">The target.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A target or a redirect of that id exists.</exception>
    public AmpWebOptions AddTarget(NegotiationTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Add(target.Id, new WebTargetSpec(target.Id, target.Tls, null, target), connection: null);
    }

    /// <summary>Answers requests for <paramref name="targetId"/> with <c>303 See Other</c> to <paramref name="location"/> (the client follows).</summary>
    /// <param name="targetId">The target id requested here.</param>
    /// <param name="location">Where the target lives (another host, port, or target id).</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="location"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="targetId"/> is not a valid id, or a target or a redirect of that id exists.</exception>
    public AmpWebOptions AddRedirect(string targetId, NegotiationAddress location)
    {
        ArgumentNullException.ThrowIfNull(location);
        NegotiationProtocol.TargetPath(targetId);
        if (_targets.ContainsKey(targetId) || !_redirects.TryAdd(targetId, location))
        {
            throw new ArgumentException($"The target id {targetId} is already served or redirected here.", nameof(targetId));
        }

        return this;
    }

    private AmpWebOptions Add(string id, WebTargetSpec spec, AmpListenerConnectionOptions? connection)
    {
        NegotiationProtocol.TargetPath(id);
        if (_redirects.ContainsKey(id) || _targets.ContainsKey(id))
        {
            throw new ArgumentException($"The target id {id} is already served or redirected here.", nameof(id));
        }

        _server.AddEntryPoint(EntryPointName(id), connection);
        _targets.Add(id, spec);
        return this;
    }
}
