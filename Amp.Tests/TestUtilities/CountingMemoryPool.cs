using System.Buffers;

namespace Amp.Tests.TestUtilities;

/// <summary>
/// A memory pool that counts the bytes it has handed out and not yet got back, and the most it ever
/// had out at once: what a transport's pipes hold, measured exactly.
/// </summary>
internal sealed class CountingMemoryPool : MemoryPool<byte>
{
    private long _outstanding;
    private long _peak;
    private long _rents;

    public override int MaxBufferSize => 1024 * 1024 * 1024;

    /// <summary>Bytes rented and not yet returned.</summary>
    public long OutstandingBytes => Interlocked.Read(ref _outstanding);

    /// <summary>The most bytes rented at once since the pool was made.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>How many buffers were rented.</summary>
    public long Rents => Interlocked.Read(ref _rents);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        int size = minBufferSize <= 0 ? 4096 : minBufferSize;
        Interlocked.Increment(ref _rents);
        long now = Interlocked.Add(ref _outstanding, size);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        return new Owner(this, size);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Owner(CountingMemoryPool pool, int size) : IMemoryOwner<byte>
    {
        private byte[]? _array = new byte[size];

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Owner));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is not null)
            {
                Interlocked.Add(ref pool._outstanding, -size);
            }
        }
    }
}
