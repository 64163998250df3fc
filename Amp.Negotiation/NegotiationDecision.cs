namespace Amp.Negotiation;

/// <summary>What the master decided for a connection (spec/amp-wire.md §16.6): both sides run AMP with it.</summary>
public sealed class NegotiationDecision
{
    internal NegotiationDecision(int version, AmpExtensions extensions, IReadOnlyDictionary<string, string> parameters, string connectionId, string? replaces)
    {
        Version = version;
        Extensions = extensions;
        Parameters = parameters;
        ConnectionId = connectionId;
        Replaces = replaces;
    }

    /// <summary>The protocol version: the highest both sides speak.</summary>
    public int Version { get; }

    /// <summary>The Amp.NET extensions both sides use on this connection, known from its first box (no extension hello is sent).</summary>
    public AmpExtensions Extensions { get; }

    /// <summary>The application's decided entries (<c>App-</c> keys of the Decision block, without the prefix).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The id the master gave this connection: 32 lower-case hexadecimal digits, the same on both sides.</summary>
    public string ConnectionId { get; }

    /// <summary>The id of the older connection with this peer that the master dropped for this one, if any.</summary>
    public string? Replaces { get; }
}
