using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Amp.Tests.Model;

/// <summary>
/// A randomised model test of the layer-change state machine (spec/amp-wire.md §12a): pairs of
/// connections run random rounds of concurrent calls, StartTLS/StopTLS, StartMask/StopMask pushes and
/// pops, protocol switches, cancellations and disconnects from both sides, and after every round:
/// <list type="number">
/// <item>every operation completed with the right answer or an exception the spec allows there;</item>
/// <item>when both sides are up and quiet, they have the same layers in the same order, and a Sum works both ways;</item>
/// <item>no side ended on its own (no transport, protocol or TLS failure without an injected disconnect);</item>
/// <item>no pending call or running responder is left, and no task exception goes unobserved.</item>
/// </list>
/// The seed is printed; replay with <c>AMP_MODEL_SEED</c> (and <c>AMP_MODEL_PAIR</c> for one pair);
/// <c>AMP_MODEL_STEPS</c> sets how many steps to run.
/// </summary>
[CancelAfter(120_000)]
public sealed class ModelTests
{
    private const int DefaultSteps = 5000;

    [Test]
    public async Task RandomStepsKeepBothSidesInStep(CancellationToken cancellationToken)
    {
        int seed = FromEnvironment("AMP_MODEL_SEED") ?? Random.Shared.Next();
        int steps = FromEnvironment("AMP_MODEL_STEPS") ?? DefaultSteps;
        int? onlyPair = FromEnvironment("AMP_MODEL_PAIR");

        var unobserved = new ConcurrentQueue<string>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            unobserved.Enqueue(e.Exception.ToString());
            e.SetObserved();
        }

        // Garbage left by earlier tests is finalized first: only this test's unobserved exceptions count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        var driver = new ModelDriver(seed, cancellationToken)
        {
            Avoid = (Environment.GetEnvironmentVariable("AMP_MODEL_AVOID") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
        };
        await TestContext.Out.WriteLineAsync($"model seed: {seed} (replay with AMP_MODEL_SEED={seed}), steps: {steps}"
            + (onlyPair is { } only ? $", only pair {only}" : string.Empty) + (driver.Avoid.Count > 0 ? $", avoiding {string.Join(",", driver.Avoid)}" : string.Empty));
        // Also sent at once (Out shows only once the test completes): a run that kills the test host still leaves its seed.
        await TestContext.Progress.WriteLineAsync($"model seed: {seed}");
        var clock = Stopwatch.StartNew();
        try
        {
            if (onlyPair is { } pair)
            {
                await driver.RunPairAsync(pair);
            }
            else
            {
                for (int pairIndex = 0; driver.Steps < steps; pairIndex++)
                {
                    await driver.RunPairAsync(pairIndex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Reported below as a hang, with the seed.
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        await TestContext.Out.WriteLineAsync($"{driver.Steps} steps in {driver.Pairs} pairs, {clock.Elapsed.TotalSeconds:0.0} s; longest pair: {driver.LongestPairName}, {driver.LongestPair.TotalMilliseconds:0} ms");
        foreach (string summary in driver.PairSummaries)
        {
            await TestContext.Out.WriteLineAsync("  " + summary);
        }

        await TestContext.Out.WriteLineAsync("outcomes:");
        foreach ((string outcome, int count) in driver.Outcomes)
        {
            await TestContext.Out.WriteLineAsync($"  {outcome}: {count}");
        }

        foreach (string detail in driver.Details)
        {
            await TestContext.Out.WriteLineAsync(detail);
        }

        Assert.Multiple(() =>
        {
            Assert.That(driver.Violations, Is.Empty, $"model seed {seed}: invariants violated (replay with AMP_MODEL_SEED={seed})");
            Assert.That(unobserved, Is.Empty, $"model seed {seed}: unobserved task exceptions");
        });
    }

    private static int? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
}
