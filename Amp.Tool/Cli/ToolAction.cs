namespace Amp.Tool.Cli;

/// <summary>Runs a command's body so that every failure is one line on standard error and an exit code, never a stack trace.</summary>
internal static class ToolAction
{
    public static async Task<int> RunAsync(ToolConsole console, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ToolException e)
        {
            console.Error.WriteLine($"amp: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine("amp: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failure nobody foresaw: still one line, with the exception's type to report it by.
            console.Error.WriteLine($"amp: unexpected failure ({e.GetType().Name}): {e.Message}");
            return ExitCodes.Unexpected;
        }
    }
}
