namespace Amp.Benchmarks;

/// <summary>Carries a payload one way and answers with its length: bulk traffic for the TLS figures.</summary>
[AmpCommand("Bulk")]
public sealed class BulkCommand : IAmpCommand<BulkResult>
{
    [AmpArgument("data")]
    public byte[] Data { get; init; } = [];
}

/// <summary>The answer to <see cref="BulkCommand"/>.</summary>
public sealed class BulkResult
{
    [AmpArgument("length")]
    public int Length { get; init; }
}
