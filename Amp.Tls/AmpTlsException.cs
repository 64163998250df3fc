namespace Amp.Tls;

/// <summary>
/// A TLS layer failed: its handshake, a read or write after it, or its stop; <see cref="Failure"/> says
/// why, and the message names the cause (with the TLS engine's own error when there is one). Its
/// <see cref="AmpLayerException.DisconnectReason"/> is <see cref="AmpDisconnectReason.TlsFailure"/>.
/// </summary>
public sealed class AmpTlsException : AmpLayerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">Why.</param>
    /// <param name="message">A message naming the cause.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public AmpTlsException(TlsFailure failure, string message, Exception? innerException = null)
        : base(AmpDisconnectReason.TlsFailure, message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Why the layer failed.</summary>
    public TlsFailure Failure { get; }
}
