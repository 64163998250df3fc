namespace Amp.Fuzz.Targets;

/// <summary>One fuzz target: runs one input and throws when an invariant breaks.</summary>
/// <param name="input">The input bytes; targets read a small header from them, then the payload.</param>
public delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>
/// The fuzz targets by name. The same code runs under libFuzzer (Amp.Fuzz, with coverage from the
/// sharpfuzz-instrumented Amp.Core) and in the normal test suite, which replays the corpus and the
/// findings (Amp.Tests/Fuzz/CorpusReplayTests.cs).
/// </summary>
public static class FuzzTargets
{
    /// <summary>The targets: the folder names under <c>Amp.Fuzz/corpus</c> and <c>Amp.Fuzz/findings</c>.</summary>
    public static IReadOnlyDictionary<string, FuzzTarget> All { get; } = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["boxes"] = BoxParserTarget.Run,
        ["arguments"] = ArgumentTarget.Run,
        ["layers"] = LayerTarget.Run,
    };
}
