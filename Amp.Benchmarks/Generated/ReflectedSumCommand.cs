namespace Amp.Benchmarks.Generated;

/// <summary>
/// <see cref="SumCommand"/> again, under another type: <see cref="PathRoundTripRunner"/> describes this one by
/// reflection, so both paths answer calls in one process.
/// </summary>
[AmpCommand("Sum")]
public sealed class ReflectedSumCommand : IAmpCommand<SumResult>
{
    [AmpArgument("a")]
    public int A { get; init; }

    [AmpArgument("b")]
    public int B { get; init; }
}
