namespace Amp.Samples.Chat;

/// <summary>The declared error <c>TLS_REQUIRED</c> of <see cref="Join"/> and <see cref="Say"/>: the connection has no TLS layer.</summary>
public sealed class TlsRequiredException : Exception
{
    public TlsRequiredException()
    {
    }

    public TlsRequiredException(string message)
        : base(message)
    {
    }

    public TlsRequiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
