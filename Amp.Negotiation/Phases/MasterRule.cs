namespace Amp.Negotiation.Phases;

/// <summary>Which side decides (spec/amp-wire.md §16.6): the higher id; an absent id is lower than any; a tie makes the listening side master.</summary>
internal static class MasterRule
{
    /// <param name="mine">This side's id, or <see langword="null"/>.</param>
    /// <param name="theirs">The peer's id, or <see langword="null"/>.</param>
    /// <param name="isListeningSide">Whether this side answered the request (the server).</param>
    public static bool IsMaster(string? mine, string? theirs, bool isListeningSide)
    {
        if (mine is null || theirs is null)
        {
            return mine is null && theirs is null ? isListeningSide : mine is not null;
        }

        int order = string.CompareOrdinal(mine, theirs);
        return order == 0 ? isListeningSide : order > 0;
    }

    /// <summary>The highest version both ranges hold, or 0 when they do not overlap.</summary>
    public static int CommonVersion(NegotiationOffer mine, NegotiationOffer theirs)
    {
        int highest = Math.Min(mine.MaxVersion, theirs.MaxVersion);
        return highest >= Math.Max(mine.MinVersion, theirs.MinVersion) ? highest : 0;
    }
}
