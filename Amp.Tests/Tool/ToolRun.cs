using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary>Runs <c>amp</c> in this process through its entry point, with captured output.</summary>
internal static class ToolRun
{
    public static Task<ToolResult> RunAsync(CancellationToken cancellationToken, params string[] args) =>
        RunAsync(Stream.Null, cancellationToken, args);

    public static async Task<ToolResult> RunAsync(Stream input, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exitCode = await AmpTool.RunAsync(args, new ToolConsole(TextWriter.Synchronized(output), TextWriter.Synchronized(errors), () => input), cancellationToken);
        var result = new ToolResult(exitCode, output.ToString(), errors.ToString());
        TestContext.Out.WriteLine($"amp {string.Join(' ', args)}\n{result}");
        return result;
    }

    /// <summary>Asserts a failure is reported as it must be: the exit code, and one line on standard error naming the problem, no stack trace.</summary>
    public static void AssertOneLineFailure(ToolResult result, int exitCode, string mentions)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.ErrorLines.Where(l => !l.StartsWith("amp: WARNING", StringComparison.Ordinal) && !l.StartsWith("amp: note", StringComparison.Ordinal)), Has.Exactly(1).Items, result.ToString());
        Assert.That(result.Errors, Does.Contain(mentions), result.ToString());
        Assert.That(result.Errors + result.Output, Does.Not.Contain("   at ").And.Not.Contain("Exception:"), result.ToString());
    }
}
