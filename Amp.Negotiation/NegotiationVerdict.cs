namespace Amp.Negotiation;

/// <summary>The master application's answer to a negotiation (<see cref="NegotiationOptions.Decide"/>): accept with parameters, or refuse.</summary>
public sealed class NegotiationVerdict
{
    private static readonly NegotiationVerdict s_accept = new(true, NegotiationParameters.Empty, null);

    private NegotiationVerdict(bool isAccepted, IReadOnlyDictionary<string, string> parameters, string? reason)
    {
        IsAccepted = isAccepted;
        Parameters = parameters;
        Reason = reason;
    }

    /// <summary>Whether the connection is accepted.</summary>
    public bool IsAccepted { get; }

    /// <summary>The decided application entries sent in the Decision block (accepted only).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Why the connection is refused (sent to the peer), or <see langword="null"/> when accepted.</summary>
    public string? Reason { get; }

    /// <summary>Accepts the connection.</summary>
    /// <param name="parameters">The decided application entries (names of 1-60 of A-Z a-z 0-9 -, values of printable text); none when omitted.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException">A name or value cannot travel in a block.</exception>
    public static NegotiationVerdict Accept(IReadOnlyDictionary<string, string>? parameters = null) =>
        parameters is null || parameters.Count == 0 ? s_accept : new(true, NegotiationParameters.Validate(parameters, nameof(parameters)), null);

    /// <summary>Refuses the connection: the peer gets <see cref="NegotiationFailure.Refused"/> with <paramref name="reason"/>.</summary>
    /// <param name="reason">Why, in printable text (sent to the peer: keep secrets out of it).</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is empty or holds control characters.</exception>
    public static NegotiationVerdict Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (!NegotiationParameters.IsValidValue(reason))
        {
            throw new ArgumentException("A refusal's reason must be printable text without control characters or surrounding spaces.", nameof(reason));
        }

        return new(false, NegotiationParameters.Empty, reason);
    }
}
