namespace Amp.Tests.Tool;

/// <summary>What one run of <c>amp</c> returned and printed.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Errors)
{
    /// <summary>The lines written to standard error.</summary>
    public string[] ErrorLines => Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit code {ExitCode}\n--- stdout:\n{Output}--- stderr:\n{Errors}";
}
