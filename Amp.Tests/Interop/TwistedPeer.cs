using System.Diagnostics;
using System.Text;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Interop;

/// <summary>
/// Runs Interop/Twisted/twisted_peer.py with a Python that has Twisted (<see cref="PythonLocator"/>:
/// <c>AMP_PYTHON</c>, <c>python3</c> on PATH, <c>/usr/bin/python3</c>). Missing Twisted fails the test
/// (never skips it), saying how to install it: ./test.sh and .ci/run install it on Debian.
/// </summary>
internal static class TwistedPeer
{
    /// <summary>The Python with Twisted (or, when none has it, the candidate named in the failure).</summary>
    public static string Python => PythonLocator.WithTwisted ?? PythonLocator.Any ?? "python3";

    public static string Script => Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Twisted", "twisted_peer.py");

    public static void RequireTwisted()
    {
        if (PythonLocator.WithTwisted is null)
        {
            Assert.Fail($"The Twisted interop tests need a Python with Twisted, and none was found ({PythonLocator.Tried}). {PythonLocator.InstallHelp}");
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
        return await ChildProcessRun.RunToEndAsync(StartInfo(arguments), cancellationToken);
    }
}
