namespace Amp.Benchmarks.Bulk;

/// <summary>One way of pushing bytes over loopback, kept connected across the rounds of the <c>tls</c>/<c>bulk</c> mode.</summary>
internal interface IBulkCase : IAsyncDisposable
{
    /// <summary>The case's name, for printing.</summary>
    string Name { get; }

    /// <summary>
    /// Pushes bytes one way for about <paramref name="duration"/> and returns how many the receiving side
    /// took and in how long. Returns once nothing sent is left in flight, so the next case starts on a
    /// quiet connection.
    /// </summary>
    Task<BulkSample> PushAsync(TimeSpan duration);
}

/// <summary>Bytes the receiving side took in <paramref name="Seconds"/>.</summary>
internal readonly record struct BulkSample(long Bytes, double Seconds);
