using System.Collections.ObjectModel;
using System.Globalization;

namespace Amp.Negotiation.Blocks;

/// <summary>The Hello block both sides send first inside TLS (spec/amp-wire.md §16.5).</summary>
internal static class HelloBlock
{
    public const string AppPrefix = "App-";

    public static byte[] Write(NegotiationOffer offer)
    {
        var block = new NegotiationBlock()
            .Add("Versions", string.Create(CultureInfo.InvariantCulture, $"{offer.MinVersion} {offer.MaxVersion}"));
        if (offer.Id is { } id)
        {
            block.Add("Id", id);
        }

        if (offer.Extensions != AmpExtensions.None)
        {
            block.Add("Extensions", BlockValues.Extensions(offer.Extensions));
        }

        if (offer.Incarnation is { } incarnation)
        {
            block.Add("Incarnation", incarnation);
        }

        if (offer.LastConnection is { } last)
        {
            block.Add("Last-Connection", last);
        }

        AddParameters(block, offer.Parameters);
        return block.ToBytes();
    }

    /// <summary>Reads the peer's offer; unknown keys are ignored.</summary>
    /// <exception cref="FormatException">A required key is missing or a value breaks its grammar.</exception>
    public static NegotiationOffer Read(NegotiationBlock block)
    {
        (int min, int max) = BlockValues.ParseVersions(block["Versions"]);
        string? id = block["Id"];
        if (id is not null && !NegotiationProtocol.IsValidId(id))
        {
            throw new FormatException($"Id holds '{id}', not a valid id");
        }

        string? incarnation = block["Incarnation"];
        if (incarnation is not null && !BlockValues.IsIncarnation(incarnation))
        {
            throw new FormatException("Incarnation is not 1 to 64 letters and digits");
        }

        string? last = block["Last-Connection"];
        if (last is not null && !BlockValues.IsConnectionId(last))
        {
            throw new FormatException("Last-Connection is not a connection id (32 lower-case hexadecimal digits)");
        }

        AmpExtensions extensions = BlockValues.ParseExtensions(block["Extensions"], out _);
        return new NegotiationOffer(id, min, max, extensions, ReadParameters(block), incarnation, last);
    }

    public static void AddParameters(NegotiationBlock block, IReadOnlyDictionary<string, string> parameters)
    {
        foreach (KeyValuePair<string, string> entry in parameters)
        {
            block.Add(AppPrefix + entry.Key, entry.Value);
        }
    }

    /// <summary>The <c>App-</c> entries, without the prefix (the prefix compared exactly).</summary>
    public static IReadOnlyDictionary<string, string> ReadParameters(NegotiationBlock block)
    {
        SortedDictionary<string, string>? parameters = null;
        foreach (KeyValuePair<string, string> entry in block.Entries)
        {
            if (entry.Key.StartsWith(AppPrefix, StringComparison.Ordinal) && entry.Key.Length > AppPrefix.Length)
            {
                parameters ??= new SortedDictionary<string, string>(StringComparer.Ordinal);
                parameters.Add(entry.Key[AppPrefix.Length..], entry.Value);
            }
        }

        return parameters is null ? NegotiationParameters.Empty : new ReadOnlyDictionary<string, string>(parameters);
    }
}
