namespace Amp;

/// <summary>
/// A layer of the stack (TLS, compression, a user's layer) failed, and says how the connection should
/// report it. A layer throws it from its handshake, or from its pipes' reads and writes; the connection
/// then ends with <see cref="DisconnectReason"/> and this exception as the cause, instead of a generic
/// <see cref="AmpDisconnectReason.TransportError"/>.
/// </summary>
public class AmpLayerException : AmpException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="disconnectReason">How the connection reports the failure.</param>
    /// <param name="message">A message naming the cause.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public AmpLayerException(AmpDisconnectReason disconnectReason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        DisconnectReason = disconnectReason;
    }

    /// <summary>How the connection reports this failure when it ends it.</summary>
    public AmpDisconnectReason DisconnectReason { get; }
}
