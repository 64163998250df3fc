namespace Amp;

/// <summary>
/// The slowest a peer may send a box once it has begun one, as Kestrel's <c>MinDataRate</c>: after a
/// grace period, the bytes of the box received so far must keep up with <see cref="BytesPerSecond"/>.
/// Time counts only while the connection waits for the peer's bytes (not while its own responders or
/// queues hold reading back), so it never cuts a box that this side is slow to read.
/// </summary>
public sealed class AmpMinimumDataRate
{
    /// <summary>Creates a rate.</summary>
    /// <param name="bytesPerSecond">The least average rate, in bytes per second.</param>
    /// <param name="gracePeriod">How long a box may take before the rate is enforced.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="bytesPerSecond"/> is not positive, or <paramref name="gracePeriod"/> is negative.
    /// </exception>
    public AmpMinimumDataRate(double bytesPerSecond, TimeSpan gracePeriod)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        BytesPerSecond = bytesPerSecond;
        GracePeriod = gracePeriod;
    }

    /// <summary>240 bytes per second after a 5 second grace period, Kestrel's default for request bodies.</summary>
    public static AmpMinimumDataRate Default { get; } = new(240, TimeSpan.FromSeconds(5));

    /// <summary>The least average rate, in bytes per second.</summary>
    public double BytesPerSecond { get; }

    /// <summary>How long a box may take before the rate is enforced.</summary>
    public TimeSpan GracePeriod { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{BytesPerSecond:0.###} bytes/s after {GracePeriod.TotalSeconds:0.###} s";
}
