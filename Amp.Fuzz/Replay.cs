using Amp.Fuzz.Targets;

namespace Amp.Fuzz;

/// <summary>Runs a target on files without the fuzzer: to reproduce a crash or check a corpus.</summary>
internal static class Replay
{
    public static int Run(FuzzTarget target, IEnumerable<string> paths)
    {
        int failed = 0;
        int passed = 0;
        var slowest = new List<(TimeSpan Time, string Path)>();
        foreach (string path in paths.SelectMany(Expand))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                target(File.ReadAllBytes(path));
                passed++;
                slowest.Add((clock.Elapsed, path));
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"FAIL {path}");
                Console.WriteLine(e);
            }
        }

        foreach ((TimeSpan time, string path) in slowest.OrderByDescending(s => s.Time).Take(3))
        {
            Console.WriteLine($"slowest: {time.TotalMilliseconds:0} ms {path}");
        }

        Console.WriteLine($"Replayed: {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [path];
}
