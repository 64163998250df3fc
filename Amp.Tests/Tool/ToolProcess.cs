using System.Diagnostics;
using System.Text;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Tool;

/// <summary>Runs the built <c>amp</c> (Amp.Tool/bin/CONFIGURATION/net10.0/amp.dll) as a child process.</summary>
internal static class ToolProcess
{
    public static string AssemblyPath
    {
        get
        {
            // Amp.Tests/bin/<Configuration>/net10.0/ -> Amp.Tool/bin/<Configuration>/net10.0/amp.dll
            var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string root = testDirectory.Parent!.Parent!.Parent!.Parent!.FullName;
            string path = Path.Combine(root, "Amp.Tool", "bin", testDirectory.Parent.Name, testDirectory.Name, "amp.dll");
            Assert.That(File.Exists(path), Is.True, $"the tool was not built at {path}");
            return path;
        }
    }

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(AssemblyPath);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Runs amp to its end; returns its exit code and what it printed.</summary>
    public static async Task<ToolResult> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        (int exitCode, string output, string errors) = await ChildProcessRun.RunToEndAsync(StartInfo(arguments), cancellationToken);
        var result = new ToolResult(exitCode, output, errors);
        TestContext.Out.WriteLine($"amp {string.Join(' ', arguments)} (child process)\n{result}");
        return result;
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>kill</c> does.</summary>
    public static async Task TerminateAsync(Process process, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync(cancellationToken);
        Assert.That(kill.ExitCode, Is.Zero, "kill -TERM");
    }
}
