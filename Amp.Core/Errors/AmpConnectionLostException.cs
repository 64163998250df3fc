namespace Amp;

/// <summary>
/// The connection ended before the operation could complete. Every call pending at that moment fails
/// with one instance of this exception, carrying the reason and, as inner exception, the cause.
/// </summary>
public sealed class AmpConnectionLostException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the connection ended.</param>
    /// <param name="message">A readable explanation.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AmpConnectionLostException(AmpDisconnectReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the connection ended.</summary>
    public AmpDisconnectReason Reason { get; }
}
