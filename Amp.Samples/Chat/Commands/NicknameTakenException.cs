namespace Amp.Samples.Chat.Commands;

/// <summary>The declared error <c>NICKNAME_TAKEN</c> of <see cref="Join"/>.</summary>
public sealed class NicknameTakenException : Exception
{
    public NicknameTakenException()
    {
    }

    public NicknameTakenException(string message)
        : base(message)
    {
    }

    public NicknameTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
