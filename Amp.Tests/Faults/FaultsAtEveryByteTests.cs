using System.Diagnostics;
using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.Faults;

/// <summary>
/// Issue 10, "faults at every byte": the connection is cut — a clean end of stream, or a reset — after every
/// byte of every layer change (StartTLS, StopTLS, TLS in TLS, a protocol switch, a hand-over, StartCompression,
/// StopCompression), in both directions, with either side asking for the change. Every task ends (the change's
/// call, a call pending across it, a call held behind it, the traffic after the boundary, both connections,
/// switched streams and the protocols they were handed to), each as the docs say a cut connection ends, and no
/// task exception goes unobserved. A task that never ends fails the test as a hang after a minute. The TLS
/// changes run with each TLS engine.
/// </summary>
/// <remarks>
/// TLS handshakes are thousands of bytes: by default they are cut at every offset of every box and small
/// record, around every record boundary and at a stride through the rest (see <see cref="FaultOffsets"/>);
/// AMP_FAULTS_FULL=1 cuts them at every offset too.
/// </remarks>
[NonParallelizable]
public sealed class FaultsAtEveryByteTests
{
    /// <summary>Generous: a run takes milliseconds; only a task that will never end takes this long.</summary>
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    private static readonly string[] s_mustSucceedUncut =
    [
        "the change", "the call held behind the change", "the peer's call after the change", "the caller's hand-over", "the raw exchange",
    ];

    /// <summary>Every change, side, direction and fault; the TLS changes with each engine (the BouncyCastle ones named so).</summary>
    public static IEnumerable<TestCaseData> Sweeps() =>
        from change in Enum.GetValues<FaultedChange>()
        from engine in new FaultCase(change, true, false, Fault.Eof).IsTls ? Enum.GetValues<TlsEngine>() : [TlsEngine.SslStream]
        from initiatorAsks in new[] { true, false }
        from cutTowardsCaller in new[] { false, true }
        from fault in Enum.GetValues<Fault>()
        select new TestCaseData(change, engine, initiatorAsks, cutTowardsCaller, fault)
            .SetName($"CutDuring{change}{(engine == TlsEngine.SslStream ? "" : $"On{engine}")}_{(initiatorAsks ? "Initiator" : "Acceptor")}Asks_{(cutTowardsCaller ? "PeerToCaller" : "CallerToPeer")}_{fault}");

    [TestCaseSource(nameof(Sweeps))]
    public async Task EveryTaskEndsAsDocumentedWhenTheConnectionIsCutAtEveryByteOfTheChange(FaultedChange change, TlsEngine engine, bool initiatorAsks, bool cutTowardsCaller, Fault fault)
    {
        var sweep = new FaultCase(change, initiatorAsks, cutTowardsCaller, fault) { Engine = engine };
        int seed = FaultOffsets.Seed();
        var clock = Stopwatch.StartNew();
        var tally = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var wrong = new List<string>();
        IReadOnlyList<long> offsets;
        IReadOnlyList<Exception> unobserved;
        using (var watch = new UnobservedExceptions())
        {
            FaultRunResult uncut = await RunAsync(sweep, offset: null);
            Assert.That(uncut.Outcomes.Where(o => s_mustSucceedUncut.Contains(o.Task) && o.Outcome != FaultOutcome.Ok), Is.Empty,
                $"{sweep}: without a cut, the change and the traffic around it work");
            Check(sweep, "uncut", uncut, mustFail: false, tally, wrong);

            offsets = FaultOffsets.Choose(uncut.Stream, everyOffset: !sweep.IsTls || FaultOffsets.Full, new Random(seed));
            long mustFailBelow = CommandOrAnswerLength(sweep, uncut.Stream);
            await TestContext.Out.WriteLineAsync($"{sweep}: {uncut.Stream.Length} bytes ({FaultOffsets.Describe(uncut.Stream)}); "
                + $"cut at {offsets.Count} offsets (stride seed {seed}, replay with AMP_FAULTS_SEED={seed}{(FaultOffsets.Full ? ", full sweep" : string.Empty)})");
            foreach (long offset in offsets)
            {
                FaultRunResult run = await RunAsync(sweep, offset);
                Check(sweep, $"offset {offset}", run, mustFail: offset < mustFailBelow, tally, wrong);
            }

            unobserved = watch.Collect();
        }

        await TestContext.Out.WriteLineAsync($"{offsets.Count + 1} runs in {clock.Elapsed.TotalSeconds:0.00} s; outcomes:");
        foreach ((string outcome, int count) in tally)
        {
            await TestContext.Out.WriteLineAsync($"{count,6} x {outcome}");
        }

        foreach (Exception exception in unobserved)
        {
            await TestContext.Out.WriteLineAsync($"unobserved: {exception}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(wrong.Take(40), Is.Empty, $"{sweep}: ends the docs do not name ({wrong.Count} in all)");
            Assert.That(unobserved.Select(e => e.InnerException?.GetType().Name + ": " + e.InnerException?.Message), Is.Empty,
                "task exceptions nobody observed (printed in full to the output)");
        });
    }

    private static async Task<FaultRunResult> RunAsync(FaultCase sweep, long? offset)
    {
        using var hang = new CancellationTokenSource(s_hang);
        return await FaultRun.RunAsync(sweep, offset, hang.Token);
    }

    private static void Check(FaultCase sweep, string run, FaultRunResult result, bool mustFail, SortedDictionary<string, int> tally, List<string> wrong)
    {
        foreach ((string task, string outcome) in result.Outcomes)
        {
            tally[$"{task}: {outcome}"] = tally.GetValueOrDefault($"{task}: {outcome}") + 1;
            if (!FaultOutcome.IsDocumented(sweep, task, outcome))
            {
                wrong.Add($"{run}: {task}: {outcome} [{string.Join("; ", result.Details)}]");
            }
            else if (mustFail && task == "the change" && outcome == FaultOutcome.Ok)
            {
                wrong.Add($"{run}: {task}: succeeded, although the cut came before its command or its answer was whole");
            }
        }
    }

    /// <summary>
    /// For a change announced in plaintext, the offset below which the change cannot have succeeded: cut from
    /// the caller, before the pending call's box and the command's box are through; cut towards it, before the
    /// answer's box is. Zero for changes whose boxes travel inside the layer being changed.
    /// </summary>
    private static long CommandOrAnswerLength(FaultCase sweep, byte[] stream)
    {
        if (sweep.Change is not (FaultedChange.StartTls or FaultedChange.Switch or FaultedChange.HandOver or FaultedChange.StartCompression))
        {
            return 0;
        }

        var boxes = FaultOffsets.Units(stream).Take(sweep.CutTowardsCaller ? 1 : 2).ToList();
        Assert.That(boxes.Select(unit => unit.Kind), Is.All.EqualTo("box"), $"{sweep}: the change starts with plaintext boxes ({FaultOffsets.Describe(stream)})");
        return boxes.Sum(unit => unit.Length);
    }
}
