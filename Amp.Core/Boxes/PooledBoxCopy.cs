using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Amp.Boxes;

/// <summary>
/// The owner of a box copied out of several buffer segments: a pooled array and a version. An
/// <see cref="AmpBoxView"/> holds the owner and the version it was handed; the first dispose (from any
/// copy of the view) moves the version on and returns the array, so a second dispose finds another
/// version and does nothing, and a read finds it and throws. The same token scheme as
/// <c>ManualResetValueTaskSourceCore</c> behind a pooled <c>ValueTask</c>.
/// </summary>
/// <remarks>
/// Owners are reused through a small lock-free pool, so the copy path allocates nothing once warm.
/// A view must not be disposed on one thread while it is read on another (as for any pooled buffer).
/// </remarks>
internal sealed class PooledBoxCopy
{
    private static readonly PooledBoxCopy?[] s_pool = new PooledBoxCopy?[Math.Clamp(Environment.ProcessorCount * 2, 4, 64)];

    private byte[]? _array;
    private int _version;

    private PooledBoxCopy()
    {
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> unless <paramref name="version"/> is current.</summary>
    public void ThrowIfStale(int version)
    {
        if (Volatile.Read(ref _version) != version)
        {
            ThrowDisposed();
        }
    }

    /// <summary>Takes an owner from the pool (or a new one) with an array of at least <paramref name="length"/> bytes.</summary>
    /// <param name="length">The bytes needed.</param>
    /// <param name="version">The version to hand the view.</param>
    /// <param name="array">The owner's array, to copy the box into.</param>
    /// <returns>The owner.</returns>
    public static PooledBoxCopy Rent(int length, out int version, out byte[] array)
    {
        PooledBoxCopy owner = TakeFromPool() ?? new PooledBoxCopy();
        array = ArrayPool<byte>.Shared.Rent(length);
        owner._array = array;
        version = Volatile.Read(ref owner._version);
        return owner;
    }

    /// <summary>
    /// Returns the array and the owner if <paramref name="version"/> is still current; otherwise (a second
    /// dispose, from the same view or a copy of it) does nothing.
    /// </summary>
    public void Return(int version)
    {
        if (Interlocked.CompareExchange(ref _version, unchecked(version + 1), version) != version)
        {
            return;
        }

        byte[]? array = _array;
        _array = null;
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        for (int i = 0; i < s_pool.Length; i++)
        {
            if (Interlocked.CompareExchange(ref s_pool[i], this, null) is null)
            {
                return;
            }
        }
    }

    private static PooledBoxCopy? TakeFromPool()
    {
        for (int i = 0; i < s_pool.Length; i++)
        {
            PooledBoxCopy? owner = Volatile.Read(ref s_pool[i]);
            if (owner is not null && Interlocked.CompareExchange(ref s_pool[i], null, owner) == owner)
            {
                return owner;
            }
        }

        return null;
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDisposed() => throw CreateDisposed();

    private static ObjectDisposedException CreateDisposed() =>
        new(nameof(AmpBoxView), "The box view was disposed: its pooled copy went back to the pool. Read a view only before disposing it, or copy it with ToAmpBox().");
}
