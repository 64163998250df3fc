namespace Amp;

/// <summary>
/// The peer sent bytes that break the protocol. Fatal to the connection: it is closed and every
/// pending call fails with an <see cref="AmpConnectionLostException"/> whose inner exception is this one.
/// </summary>
public sealed class AmpProtocolException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">What rule was broken.</param>
    /// <param name="message">A message naming the offending numbers.</param>
    public AmpProtocolException(AmpProtocolError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>What rule was broken.</summary>
    public AmpProtocolError Error { get; }
}
