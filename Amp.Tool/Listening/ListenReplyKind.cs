namespace Amp.Tool.Listening;

/// <summary>How <c>amp listen</c> answers one command.</summary>
internal enum ListenReplyKind
{
    /// <summary>The answer box is the command's own arguments.</summary>
    Echo,

    /// <summary>A fixed answer box.</summary>
    Answer,

    /// <summary>An error box with a code and a description.</summary>
    Error,

    /// <summary><c>UNHANDLED</c>, as a server without such a command answers.</summary>
    Unhandled,

    /// <summary>Close the connection without answering.</summary>
    Close,
}
