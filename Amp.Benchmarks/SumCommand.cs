namespace Amp.Benchmarks;

/// <summary>The benchmark's small command: two ints in, one int out (wire name <c>Sum</c>, as the interop tests).</summary>
[AmpCommand("Sum")]
public sealed class SumCommand : IAmpCommand<SumResult>
{
    [AmpArgument("a")]
    public int A { get; init; }

    [AmpArgument("b")]
    public int B { get; init; }
}
