namespace Amp.Negotiation;

/// <summary>
/// A connection negotiation failed (spec/amp-wire.md §16). <see cref="Failure"/> says why; the byte stream has been
/// closed. Cancellation by the caller's own token is reported as <see cref="OperationCanceledException"/> instead.
/// </summary>
public sealed class AmpNegotiationException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why the negotiation failed.</param>
    /// <param name="message">What went wrong, in words.</param>
    /// <param name="innerException">The cause, if any (an <c>AmpTlsException</c> for <see cref="NegotiationFailure.TlsFailed"/>).</param>
    public AmpNegotiationException(NegotiationFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Why the negotiation failed.</summary>
    public NegotiationFailure Failure { get; }

    /// <summary>The HTTP status the listening side answered, when the failure is an HTTP answer (404, 426, 303, ...); otherwise <see langword="null"/>.</summary>
    public int? StatusCode { get; init; }

    /// <summary>For <see cref="NegotiationFailure.Redirected"/>: where the listening side sent the connecting side.</summary>
    public NegotiationAddress? RedirectedTo { get; init; }

    /// <summary>Whether the failure has been logged where it happened (an HTTP answer, a refusal), so the entry point does not log it again.</summary>
    internal bool Logged { get; init; }
}
