using System.Collections.Concurrent;
using Amp.Fuzz.Targets;

namespace Amp.Tests.Fuzz;

/// <summary>
/// Replays every input of Amp.Fuzz's seed corpus and every finding through the same fuzz targets,
/// without the fuzzer: a finding stays a regression test (docs/testing.md#fuzzing). The targets'
/// sources are compiled into this assembly (Amp.Tests.csproj); the inputs are copied next to it.
/// </summary>
[NonParallelizable]
[CancelAfter(300_000)]
public sealed class CorpusReplayTests
{
    private static readonly string s_inputs = Path.Combine(AppContext.BaseDirectory, "Fuzz");

    public static IEnumerable<TestCaseData> Inputs()
    {
        foreach (string folder in new[] { "corpus", "findings" })
        {
            foreach (string target in FuzzTargets.All.Keys.Order(StringComparer.Ordinal))
            {
                string directory = Path.Combine(s_inputs, folder, target);
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                foreach (string file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
                {
                    string name = $"{folder}/{target}/{Path.GetFileName(file)}";
                    yield return new TestCaseData(target, file).SetArgDisplayNames(name);
                }
            }
        }
    }

    [Test]
    public void EveryTargetHasASeedCorpus()
    {
        foreach (string target in FuzzTargets.All.Keys)
        {
            string directory = Path.Combine(s_inputs, "corpus", target);
            Assert.That(Directory.Exists(directory) && Directory.EnumerateFiles(directory).Any(), Is.True, $"no seed corpus for {target} in {directory}");
        }
    }

    [TestCaseSource(nameof(Inputs))]
    public void Replays(string target, string file)
    {
        byte[] input = File.ReadAllBytes(file);
        var unobserved = new ConcurrentQueue<Exception>();
        void Record(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            unobserved.Enqueue(e.Exception);
            e.SetObserved();
        }

        // Garbage of earlier tests is finalized first: only this input's unobserved exceptions count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        TaskScheduler.UnobservedTaskException += Record;
        try
        {
            FuzzTargets.All[target](input);
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TaskScheduler.UnobservedTaskException -= Record;
        }

        Assert.That(unobserved, Is.Empty, "a task's exception went unobserved");
    }
}
