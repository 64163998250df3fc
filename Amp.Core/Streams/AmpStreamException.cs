namespace Amp;

/// <summary>
/// A stream of an AMP call ended abnormally: its sender failed or gave up (the call was cancelled), or
/// the connection ended. Thrown by the receiving side's reads; derives from <see cref="IOException"/>,
/// as stream consumers expect.
/// </summary>
public sealed class AmpStreamException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorCode">The code the sender gave (<c>CANCELLED</c>, <c>UNKNOWN</c>, ...), or <c>CONNECTION_LOST</c>.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AmpStreamException(string errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The code the sender gave, or <c>CONNECTION_LOST</c> when the connection ended first.</summary>
    public string ErrorCode { get; }
}
