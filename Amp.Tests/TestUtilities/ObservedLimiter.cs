using System.Threading.RateLimiting;

namespace Amp.Tests.TestUtilities;

/// <summary>
/// A <see cref="RateLimiter"/> that passes everything to another and signals each permit given and each
/// permit given back, so a test waits for "the handshake holds its permit" instead of sleeping.
/// </summary>
internal sealed class ObservedLimiter(RateLimiter inner) : RateLimiter
{
    private readonly SemaphoreSlim _acquired = new(0);
    private readonly SemaphoreSlim _released = new(0);

    public override TimeSpan? IdleDuration => inner.IdleDuration;

    /// <summary>Waits until one more permit has been given out (counted since the last wait).</summary>
    public Task WaitForAcquiredAsync(CancellationToken cancellationToken) => _acquired.WaitAsync(cancellationToken);

    /// <summary>Waits until one more permit has been given back (counted since the last wait).</summary>
    public Task WaitForReleasedAsync(CancellationToken cancellationToken) => _released.WaitAsync(cancellationToken);

    public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Observe(inner.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Observe(await inner.AcquireAsync(permitCount, cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _acquired.Dispose();
            _released.Dispose();
        }

        base.Dispose(disposing);
    }

    private RateLimitLease Observe(RateLimitLease lease)
    {
        if (!lease.IsAcquired)
        {
            return lease;
        }

        _acquired.Release();
        return new ObservedLease(lease, _released);
    }

    private sealed class ObservedLease(RateLimitLease inner, SemaphoreSlim released) : RateLimitLease
    {
        private int _disposed;

        public override bool IsAcquired => inner.IsAcquired;

        public override IEnumerable<string> MetadataNames => inner.MetadataNames;

        public override bool TryGetMetadata(string metadataName, out object? metadata) => inner.TryGetMetadata(metadataName, out metadata);

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                inner.Dispose();
                released.Release();
            }

            base.Dispose(disposing);
        }
    }
}
