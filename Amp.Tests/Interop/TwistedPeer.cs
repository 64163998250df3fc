using System.Diagnostics;
using System.Text;

namespace Amp.Tests.Interop;

/// <summary>
/// Runs Interop/Twisted/twisted_peer.py with the system Python that has Twisted. Missing Twisted fails
/// the test (never skips it): ./test.sh and .ci/run install it.
/// </summary>
internal static class TwistedPeer
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> s_missing = new(FindProblem);

    public static string Script => Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Twisted", "twisted_peer.py");

    public static void RequireTwisted()
    {
        if (s_missing.Value is { } problem)
        {
            Assert.Fail($"The Twisted interop tests need Twisted for {Python} ({problem}). Run ./test.sh, or: apt-get install -y python3-twisted");
        }
    }

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Script);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Runs the Twisted client against a port; returns its exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output, string Errors)> RunClientAsync(int port, string scenario, CancellationToken cancellationToken, params string[] extraArguments) =>
        RunAsync(cancellationToken, ["client", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--scenario", scenario, .. extraArguments]);

    /// <summary>Runs twisted_peer.py with <paramref name="arguments"/>; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        RequireTwisted();
        using var process = Process.Start(StartInfo(arguments))!;
        process.StandardInput.Close();
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

    private static string? FindProblem()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} does not exist";
        }

        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import twisted"]) { RedirectStandardError = true, UseShellExecute = false })!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : errors.Trim();
    }
}
