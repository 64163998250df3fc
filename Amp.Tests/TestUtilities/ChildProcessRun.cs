using System.Diagnostics;

namespace Amp.Tests.TestUtilities;

/// <summary>Runs a child process to its end and collects what it printed.</summary>
internal static class ChildProcessRun
{
    /// <summary>
    /// Starts <paramref name="info"/> (its standard output and error redirected; its input, if redirected,
    /// closed at once), reads both outputs to their ends and waits for the exit. When
    /// <paramref name="cancellationToken"/> fires first, the process tree is killed.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunToEndAsync(ProcessStartInfo info, CancellationToken cancellationToken)
    {
        using var process = Process.Start(info)!;
        if (info.RedirectStandardInput)
        {
            process.StandardInput.Close();
        }

        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output, await errors);
    }
}
