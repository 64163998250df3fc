using Amp.Fuzz;
using Amp.Fuzz.Targets;

// Amp.Fuzz TARGET              run TARGET under libFuzzer (started by driver/libfuzzer-dotnet through fuzz.sh)
// Amp.Fuzz TARGET PATH...      run TARGET once on each file (or each file in each folder) and report
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out FuzzTarget? target))
{
    Console.Error.WriteLine($"usage: Amp.Fuzz TARGET [FILE|FOLDER ...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (int.TryParse(Environment.GetEnvironmentVariable("AMP_FUZZ_STALL_MS"), out int stall) && stall > 0)
{
    // Layer target only, and never in the test suite: see LayerTarget.StallAfter.
    LayerTarget.StallAfter = TimeSpan.FromMilliseconds(stall);
}

if (args.Length > 1)
{
    return Replay.Run(target, args.Skip(1));
}

if (Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is null)
{
    Console.Error.WriteLine("Not started by libFuzzer: run Amp.Fuzz/fuzz.sh, or pass files to replay.");
    return 2;
}

// SharpFuzz's coverage keeps the previous block in one static for all threads, so code running on several
// threads at once mixes its edges into noise (the layer target's map filled up with made-up edges). fuzz.sh
// sets DOTNET_PROCESSOR_COUNT=1, which lets the thread pool be held to one thread: the connection's tasks
// then take turns, and their edges are real. (This thread only waits for the target's task meanwhile.)
if (Environment.ProcessorCount == 1 && !(ThreadPool.SetMinThreads(1, 1) && ThreadPool.SetMaxThreads(1, 1)))
{
    Console.Error.WriteLine("Amp.Fuzz: could not hold the thread pool to one thread; coverage of concurrent code will be noisy.");
}

// AMP_FUZZ_IGNORE="text|text": a failure whose exception text contains one of these is not a crash, so a long
// run can go past a finding that is known and still open (its test in Amp.Tests keeps failing meanwhile).
string[] ignore = (Environment.GetEnvironmentVariable("AMP_FUZZ_IGNORE") ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries);
SharpFuzz.Fuzzer.LibFuzzer.Run(span =>
{
    try
    {
        target(span);
    }
    catch (Exception e) when (ignore.Length > 0 && ignore.Any(text => e.ToString().Contains(text, StringComparison.Ordinal)))
    {
        // A known finding.
    }
});
return 0;
