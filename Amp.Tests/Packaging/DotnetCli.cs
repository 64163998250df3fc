using System.Diagnostics;
using System.Text;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Packaging;

/// <summary>Runs the .NET SDK (<c>dotnet pack</c>, <c>build</c>, <c>run</c>) as a child process, as a developer would in a shell.</summary>
internal static class DotnetCli
{
    /// <summary>The repository's root: Amp.Tests/bin/CONFIGURATION/net10.0/ is four folders below it.</summary>
    public static string RepositoryRoot => TestDirectory.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>The configuration the tests (and so the libraries they reference) were built in.</summary>
    public static string Configuration => TestDirectory.Parent!.Name;

    private static DirectoryInfo TestDirectory => new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/> to its end and returns
    /// its exit code and everything it printed (also written to the test's output).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // What `dotnet test` set for its own MSBuild must not steer the child's; and no build server or
        // node may outlive the child holding its output open (the reads below would never end).
        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        (int exitCode, string output, string errors) = await ChildProcessRun.RunToEndAsync(info, cancellationToken);
        string text = output + errors;
        TestContext.Out.WriteLine($"dotnet {string.Join(' ', arguments)} (in {directory}): exit code {exitCode}\n{text}");
        return (exitCode, text);
    }
}
