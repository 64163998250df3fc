namespace Amp.Negotiation;

/// <summary>What one side offered in its Hello block (spec/amp-wire.md §16.5).</summary>
public sealed class NegotiationOffer
{
    internal NegotiationOffer(string? id, int minVersion, int maxVersion, AmpExtensions extensions, IReadOnlyDictionary<string, string> parameters, string? incarnation, string? lastConnection)
    {
        Id = id;
        MinVersion = minVersion;
        MaxVersion = maxVersion;
        Extensions = extensions;
        Parameters = parameters;
        Incarnation = incarnation;
        LastConnection = lastConnection;
    }

    /// <summary>The side's id, or <see langword="null"/> when it sent none (it then never is the master of a side that has one).</summary>
    public string? Id { get; }

    /// <summary>The lowest protocol version the side speaks.</summary>
    public int MinVersion { get; }

    /// <summary>The highest protocol version the side speaks.</summary>
    public int MaxVersion { get; }

    /// <summary>The Amp.NET extensions the side offered that this side knows (unknown names are ignored).</summary>
    public AmpExtensions Extensions { get; }

    /// <summary>The application's entries (<c>App-</c> keys, without the prefix). Empty when there are none.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>A token the side draws once per process (per <see cref="AmpNegotiator"/>): a new one means the peer restarted.</summary>
    public string? Incarnation { get; }

    /// <summary>The connecting side's last connection id with that target, when it remembers one (the duplicate rule, §16.7).</summary>
    public string? LastConnection { get; }
}
