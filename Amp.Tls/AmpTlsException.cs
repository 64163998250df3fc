namespace Amp.Tls;

/// <summary>A TLS layer could not be set up; <see cref="Failure"/> says why.</summary>
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

    /// <summary>Why the layer could not be set up.</summary>
    public TlsFailure Failure { get; }
}
