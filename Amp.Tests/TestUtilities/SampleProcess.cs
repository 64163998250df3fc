using System.Diagnostics;

namespace Amp.Tests.TestUtilities;

/// <summary>Starts the Amp.Samples program (built with the tests) as a child process.</summary>
internal static class SampleProcess
{
    public static string AssemblyPath
    {
        get
        {
            // Amp.Tests/bin/<Configuration>/net10.0/ -> Amp.Samples/bin/<Configuration>/net10.0/Amp.Samples.dll
            var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string framework = testDirectory.Name;
            string configuration = testDirectory.Parent!.Name;
            string root = testDirectory.Parent.Parent!.Parent!.Parent!.FullName;
            string path = Path.Combine(root, "Amp.Samples", "bin", configuration, framework, "Amp.Samples.dll");
            Assert.That(File.Exists(path), Is.True, $"the samples were not built at {path}");
            return path;
        }
    }

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        info.ArgumentList.Add(AssemblyPath);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Runs the sample to its end; returns its exit code and what it printed (written to the test's output too).</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        ProcessStartInfo info = StartInfo(arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.StandardOutputEncoding = System.Text.Encoding.UTF8;
        (int exitCode, string output, string errors) = await ChildProcessRun.RunToEndAsync(info, cancellationToken);
        TestContext.Out.WriteLine(output);
        return (exitCode, output, errors);
    }
}
