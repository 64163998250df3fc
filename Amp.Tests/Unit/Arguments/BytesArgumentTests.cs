using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

public sealed class BytesArgumentTests
{
    private static readonly byte[][] Values = [[], [0], [0xFF, 0x00, 0x80, (byte)'a'], "\u2603"u8.ToArray()];

    [TestCaseSource(nameof(Values))]
    public void BytesPassThroughUnchanged(byte[] value)
    {
        Assert.That(Wire.Write(BytesArgument.Instance, value), Is.EqualTo(value));
        Assert.That(BytesArgument.Instance.Read(value), Is.EqualTo(value));
    }

    [TestCaseSource(nameof(Values))]
    public void MemoryPassesThroughUnchanged(byte[] value)
    {
        Assert.That(Wire.Write(ReadOnlyMemoryArgument.Instance, value), Is.EqualTo(value));
        Assert.That(ReadOnlyMemoryArgument.Instance.Read(value).ToArray(), Is.EqualTo(value));
    }

    [Test]
    public void ReadCopiesSoTheReceiveBufferCanBeReused()
    {
        byte[] source = [1, 2, 3];
        byte[] bytes = BytesArgument.Instance.Read(source);
        ReadOnlyMemory<byte> memory = ReadOnlyMemoryArgument.Instance.Read(source);
        source[0] = 9;
        Assert.That(bytes[0], Is.EqualTo(1));
        Assert.That(memory.Span[0], Is.EqualTo(1));
    }
}
