namespace Amp.Benchmarks;

/// <summary>The answer to <see cref="SumCommand"/>.</summary>
public sealed class SumResult
{
    [AmpArgument("total")]
    public int Total { get; init; }
}
