namespace Amp;

/// <summary>
/// AMP traffic was refused because the connection is being (or has been) handed to another protocol
/// (Twisted's <c>ProtocolSwitched</c>). If a pending switch is refused by the peer, sending works again.
/// </summary>
public sealed class AmpProtocolSwitchedException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused.</param>
    public AmpProtocolSwitchedException(string message)
        : base(message)
    {
    }
}
