namespace Amp;

/// <summary>The peer has no responder for the command (error code <c>UNHANDLED</c>). The connection stays up.</summary>
public sealed class AmpUnhandledCommandException : AmpRemoteException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="description">The description the peer sent, as Twisted's <c>Unhandled Command: b'name'</c>.</param>
    /// <param name="commandName">The command that was not handled.</param>
    public AmpUnhandledCommandException(string description, string? commandName = null)
        : base(AmpErrorCodes.Unhandled, description, commandName)
    {
    }
}
