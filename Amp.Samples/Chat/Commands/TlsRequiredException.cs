namespace Amp.Samples.Chat.Commands;

/// <summary>The declared error <c>TLS_REQUIRED</c> of <see cref="Join"/>, <see cref="Say"/> and <see cref="Who"/>: the connection has no TLS layer.</summary>
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
