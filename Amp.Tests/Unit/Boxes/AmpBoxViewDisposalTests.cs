using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Unit.Boxes;

// A view of a box that spanned buffer segments holds pooled memory. Disposing it twice (from one view or
// from copies of it) must return that memory once, and reading it after the return must fail rather than
// read memory the pool has handed to someone else.
public sealed class AmpBoxViewDisposalTests
{
    private static readonly byte[] s_first = WireBoxes.Bytes(("_command", "First"u8.ToArray()), ("value", new byte[100]));
    // The same length as the first, so its pooled copy comes from the same bucket of the pool (the one a stale dispose would corrupt).
    private static readonly byte[] s_second = WireBoxes.Bytes(("_command", "Other"u8.ToArray()), ("value", Enumerable.Repeat((byte)'x', 100).ToArray()));

    [Test]
    public void DisposingACopyAndTheOriginalReturnsThePooledMemoryOnce()
    {
        AmpBoxView view = ReadSplit(s_first);
        byte[] pooled = PooledArray(view);
        AmpBoxView copy = view;
        copy.Dispose();
        view.Dispose();
        view.Dispose();

        // Returned twice, the array would be handed out to two renters at once.
        byte[] a = ArrayPool<byte>.Shared.Rent(s_first.Length);
        byte[] b = ArrayPool<byte>.Shared.Rent(s_first.Length);
        byte[] c = ArrayPool<byte>.Shared.Rent(s_first.Length);
        try
        {
            Assert.That(new[] { a, b, c }.Count(r => ReferenceEquals(r, pooled)), Is.LessThanOrEqualTo(1), "the box's pooled array is handed out once");
            Assert.That(a, Is.Not.SameAs(b));
            Assert.That(b, Is.Not.SameAs(c));
            Assert.That(a, Is.Not.SameAs(c));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(a);
            ArrayPool<byte>.Shared.Return(b);
            ArrayPool<byte>.Shared.Return(c);
        }
    }

    [Test]
    public void ALateDisposeOfAnOldCopyLeavesTheNextBoxAlone()
    {
        Assert.That(s_second, Has.Length.EqualTo(s_first.Length));
        AmpBoxView first = ReadSplit(s_first);
        AmpBoxView staleCopy = first;
        first.Dispose();

        // The next box may reuse the pooled memory (and its owner): the stale copy must not free it.
        AmpBoxView second = ReadSplit(s_second);
        byte[] secondArray = PooledArray(second);
        staleCopy.Dispose();

        byte[] rented = ArrayPool<byte>.Shared.Rent(s_second.Length);
        try
        {
            Assert.That(rented, Is.Not.SameAs(secondArray), "the live view's memory stays out of the pool");
            Assert.That(second.Bytes.ToArray(), Is.EqualTo(s_second));
            Assert.That(second.TryGetValue("_command"u8, out ReadOnlySpan<byte> name), Is.True);
            Assert.That(Encoding.ASCII.GetString(name), Is.EqualTo("Other"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
            second.Dispose();
        }
    }

    [Test]
    public void ReadingADisposedPooledViewThrowsObjectDisposedException()
    {
        AmpBoxView view = ReadSplit(s_first);
        AmpBoxView copy = view;
        Assert.That(copy.Count, Is.EqualTo(2));
        view.Dispose();

        Assert.That(ReadFails(copy, static v => _ = v.Bytes), Is.InstanceOf<ObjectDisposedException>(), "Bytes");
        Assert.That(ReadFails(copy, static v => v.TryGetValue("value"u8, out _)), Is.InstanceOf<ObjectDisposedException>(), "TryGetValue");
        Assert.That(ReadFails(copy, static v => v.ContainsKey("value"u8)), Is.InstanceOf<ObjectDisposedException>(), "ContainsKey");
        Assert.That(ReadFails(copy, static v => v.ToAmpBox()), Is.InstanceOf<ObjectDisposedException>(), "ToAmpBox");
        Assert.That(ReadFails(view, static v =>
        {
            foreach (AmpBoxEntry entry in v)
            {
                _ = entry.Key.Length;
            }
        }), Is.InstanceOf<ObjectDisposedException>(), "enumerating the disposed view itself");
    }

    [Test]
    public void AViewOfTheReadersOwnBufferHoldsNothingToReturnAndStaysReadable()
    {
        var buffer = new ReadOnlySequence<byte>(s_first);
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView view), Is.True);
        Assert.That(MemoryMarshal.TryGetArray(view.Bytes, out ArraySegment<byte> segment) && ReferenceEquals(segment.Array, s_first), Is.True, "zero-copy");
        view.Dispose();
        view.Dispose();
        Assert.That(view.Bytes.ToArray(), Is.EqualTo(s_first), "valid until the reader advances past it, as ReadResult.Buffer");

        default(AmpBoxView).Dispose();
    }

    [Test]
    public void ReadingAndDisposingPooledViewsAllocatesNothingOnceWarm()
    {
        ReadOnlySequence<byte> split = Segments.Split(s_first, Segments.CutAt(s_first.Length, 7));
        for (int i = 0; i < 10; i++)
        {
            ReadAndDispose(split);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            ReadAndDispose(split);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static void ReadAndDispose(ReadOnlySequence<byte> buffer)
    {
        if (!BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView view))
        {
            Assert.Fail("the box did not read");
        }

        view.Dispose();
    }

    private delegate void ViewRead(AmpBoxView view);

    private static Exception? ReadFails(AmpBoxView view, ViewRead read)
    {
        try
        {
            read(view);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Reads a box cut in two segments, so the view holds a pooled copy.</summary>
    private static AmpBoxView ReadSplit(byte[] box)
    {
        ReadOnlySequence<byte> buffer = Segments.Split(box, Segments.CutAt(box.Length, 5));
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView view), Is.True);
        Assert.That(buffer.IsEmpty, Is.True);
        return view;
    }

    private static byte[] PooledArray(AmpBoxView view)
    {
        Assert.That(MemoryMarshal.TryGetArray(view.Bytes, out ArraySegment<byte> segment), Is.True);
        Assert.That(segment.Array, Is.Not.SameAs(s_first).And.Not.SameAs(s_second), "the box was copied");
        return segment.Array!;
    }
}
