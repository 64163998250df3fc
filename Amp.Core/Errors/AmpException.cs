namespace Amp;

/// <summary>The base of every exception Amp.NET throws for protocol-level reasons.</summary>
public abstract class AmpException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected AmpException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
