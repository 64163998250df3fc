using System.Diagnostics;

namespace Amp.Tests.Interop;

/// <summary>
/// Finds the Python the interop tests run, without assuming Debian: <c>AMP_PYTHON</c> when set, then
/// <c>python3</c> on PATH, then <c>/usr/bin/python3</c> (Debian's, which its python3-twisted package
/// serves; a python3 first on PATH, such as pyenv's, may lack Twisted). The first that can import
/// Twisted is the one used.
/// </summary>
internal static class PythonLocator
{
    /// <summary>The environment variable naming the Python to use.</summary>
    public const string Variable = "AMP_PYTHON";

    /// <summary>How to install Twisted, for failure messages.</summary>
    public const string InstallHelp =
        "Install Twisted for a Python 3: Debian/Ubuntu: apt-get install python3-twisted (./test.sh and .ci/run do it); "
        + "macOS: brew install python, then python3 -m pip install twisted; Windows: py -m pip install twisted. "
        + $"Or set {Variable} to a Python that has Twisted.";

    private static readonly Lazy<(string? Twisted, string? Any, string Tried)> s_found = new(() => Find(Environment.GetEnvironmentVariable));

    /// <summary>The Python with Twisted, or <see langword="null"/> when none of the candidates has it.</summary>
    public static string? WithTwisted => s_found.Value.Twisted;

    /// <summary>The first candidate that runs at all (the TLS tests need only its ssl module), or <see langword="null"/>.</summary>
    public static string? Any => s_found.Value.Any;

    /// <summary>Each candidate and what became of it, for failure messages.</summary>
    public static string Tried => s_found.Value.Tried;

    /// <summary>Tries each candidate in turn, reading <c>AMP_PYTHON</c> and <c>PATH</c> through <paramref name="environment"/>.</summary>
    /// <returns>The first with Twisted, the first that runs, and what became of each candidate.</returns>
    internal static (string? Twisted, string? Any, string Tried) Find(Func<string, string?> environment)
    {
        var tried = new List<string>();
        string? any = null;
        foreach ((string source, string? path) in Candidates(environment))
        {
            if (path is null)
            {
                tried.Add($"{source}: not found");
                continue;
            }

            (bool runs, string? problem) = ImportsTwisted(path);
            any ??= runs ? path : null;
            if (problem is null)
            {
                return (path, any, string.Join("; ", [.. tried, $"{source}: {path} has Twisted"]));
            }

            tried.Add($"{source}: {path}: {problem}");
        }

        return (null, any, string.Join("; ", tried));
    }

    private static IEnumerable<(string Source, string? Path)> Candidates(Func<string, string?> environment)
    {
        string? variable = environment(Variable);
        string path = environment("PATH") ?? "";
        yield return ($"{Variable}", string.IsNullOrWhiteSpace(variable) ? null : variable);
        yield return ("python3 on PATH", OnPath(path, OperatingSystem.IsWindows() ? "python3.exe" : "python3"));
        if (OperatingSystem.IsWindows())
        {
            yield return ("python on PATH", OnPath(path, "python.exe"));
        }
        else
        {
            yield return ("/usr/bin/python3", File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : null);
        }
    }

    private static string? OnPath(string path, string name) =>
        path
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Whether <paramref name="python"/> runs, and why it cannot import Twisted (null when it can).</summary>
    private static (bool Runs, string? Problem) ImportsTwisted(string python)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(python, ["-c", "import twisted"]) { RedirectStandardError = true, UseShellExecute = false })!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (true, process.ExitCode == 0 ? null : errors.Trim().Split('\n')[^1]);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, $"cannot run it ({e.Message})");
        }
    }
}
