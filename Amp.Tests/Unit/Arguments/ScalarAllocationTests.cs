using System.Buffers;
using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

// The common scalar paths must not allocate: they run for every argument of every box.
public sealed class ScalarAllocationTests
{
    private static long AllocatedBy<T>(AmpArgumentType<T> type, T value, byte[] wire)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        for (int i = 0; i < 100; i++)
        {
            writer.ResetWrittenCount();
            type.Write(value, writer);
            type.Read(wire);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            writer.ResetWrittenCount();
            type.Write(value, writer);
            type.Read(wire);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Test]
    public void IntegersDoNotAllocate()
    {
        Assert.That(AllocatedBy(Int32Argument.Instance, -123456, "-123456"u8.ToArray()), Is.Zero);
        Assert.That(AllocatedBy(Int64Argument.Instance, long.MinValue, " 1_000 "u8.ToArray()), Is.Zero);
        Assert.That(AllocatedBy(UInt64Argument.Instance, ulong.MaxValue, "18446744073709551615"u8.ToArray()), Is.Zero);
    }

    [Test]
    public void BooleansDoNotAllocate() =>
        Assert.That(AllocatedBy(BooleanArgument.Instance, true, "False"u8.ToArray()), Is.Zero);

    [Test]
    public void FloatsDoNotAllocate()
    {
        Assert.That(AllocatedBy(DoubleArgument.Instance, -1.2345678901234568e+17, "-1.2345678901234568e+17"u8.ToArray()), Is.Zero);
        Assert.That(AllocatedBy(DoubleArgument.Instance, 0.0001, " 1_0.5 "u8.ToArray()), Is.Zero);
        Assert.That(AllocatedBy(SingleArgument.Instance, 0.1f, "inf"u8.ToArray()), Is.Zero);
    }

    [Test]
    public void DateTimesDoNotAllocate() =>
        Assert.That(
            AllocatedBy(DateTimeArgument.Instance, new DateTimeOffset(2010, 12, 25, 1, 2, 3, TimeSpan.FromMinutes(-83)), "9876-01-23T12:34:56.054321-01:23"u8.ToArray()),
            Is.Zero);

    [Test]
    public void SystemDecimalWriteDoesNotAllocate()
    {
        var writer = new ArrayBufferWriter<byte>(256);
        SystemDecimalArgument.Instance.Write(-0.0000001m, writer);
        writer.ResetWrittenCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            writer.ResetWrittenCount();
            SystemDecimalArgument.Instance.Write(123.4500m, writer);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
