using Amp.Hosting;
using Amp.Negotiation;
using Amp.Tls;

namespace Amp.AspNetCore;

/// <summary>
/// A target as <see cref="AmpWebOptions"/> recorded it: served with the AMP server's responders (a node built at start
/// around its entry point's connection options), or with a node of its own (<see cref="Explicit"/>).
/// </summary>
internal sealed record WebTargetSpec(string Id, TlsLayerOptions Tls, Func<AmpConnectionOptions, NegotiationOptions>? Negotiation, NegotiationTarget? Explicit)
{
    /// <summary>The target as served, once its entry point exists.</summary>
    /// <exception cref="InvalidOperationException">The negotiation settings do not use the connection options they were given.</exception>
    public ServedTarget Create(AmpEntryPoint entryPoint)
    {
        if (Explicit is { } target)
        {
            return new ServedTarget(target, entryPoint);
        }

        NegotiationOptions options = Negotiation!(entryPoint.ConnectionOptions);
        if (options is null || !ReferenceEquals(options.ConnectionOptions, entryPoint.ConnectionOptions))
        {
            throw new InvalidOperationException(
                $"The negotiation settings of web target '{Id}' must use the connection options they are given as their ConnectionOptions: those answer with the AMP server's responders.");
        }

        return new ServedTarget(new NegotiationTarget(Id, Tls, new AmpNegotiator(options)), entryPoint);
    }
}

/// <summary>A target served on the web port: what the negotiation needs, and the entry point its connections go to.</summary>
internal sealed record ServedTarget(NegotiationTarget Target, AmpEntryPoint EntryPoint);
