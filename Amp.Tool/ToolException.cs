namespace Amp.Tool;

/// <summary>A failure <c>amp</c> reports as one line and an exit code, never as a stack trace.</summary>
internal sealed class ToolException : Exception
{
    public ToolException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public ToolException()
        : this(ExitCodes.Usage, "bad command line")
    {
    }

    public ToolException(string message)
        : this(ExitCodes.Usage, message)
    {
    }

    public ToolException(string message, Exception innerException)
        : this(ExitCodes.Usage, message, innerException)
    {
    }

    /// <summary>The process's exit code for this failure (see <see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; }

    /// <summary>A bad command line or file.</summary>
    public static ToolException Usage(string message) => new(ExitCodes.Usage, message);
}
