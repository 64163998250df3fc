using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Unit.Boxes;

public sealed class BoxWriterTests
{
    [Test]
    public void KeysAreWrittenSortedBytewiseAsTwistedDoes()
    {
        var box = new AmpBox();
        foreach (string key in new[] { "b", "A", "_ask", "0", "_command", "a", "Z", "\u00FF" })
        {
            box[key] = new byte[] { (byte)'x' };
        }

        byte[] bytes = BoxWriter.Serialize(box);
        var expectedOrder = new[] { "0", "A", "Z", "_ask", "_command", "a", "b", "\u00FF" };
        var buffer = new System.Buffers.ReadOnlySequence<byte>(bytes);
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView view), Is.True);
        var keys = new List<string>();
        foreach (AmpBoxEntry entry in view)
        {
            keys.Add(System.Text.Encoding.Latin1.GetString(entry.Key));
        }

        Assert.That(keys, Is.EqualTo(expectedOrder));
    }

    [Test]
    public void SumCallMatchesTwistedBytes()
    {
        var box = new AmpBox().SetString("a", "13").SetString("b", "81").SetString("_command", "Sum").SetString("_ask", "1");
        Assert.That(BoxWriter.Serialize(box), Is.EqualTo(Wire.Bytes("00 04 \"_ask\" 00 01 \"1\" 00 08 \"_command\" 00 03 \"Sum\" 00 01 \"a\" 00 02 \"13\" 00 01 \"b\" 00 02 \"81\" 00 00")));
    }

    [Test]
    public void ValueTooLongIsRefusedAndNothingIsWritten()
    {
        var box = new AmpBox { ["hello"] = new byte[65536] };
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        var error = Assert.Throws<ArgumentException>(() => BoxWriter.Write(box, writer));
        Assert.That(error!.Message, Does.Contain("65536").And.Contain("hello"));
        Assert.That(writer.WrittenCount, Is.Zero);
    }

    [Test]
    public void InvalidKeysAreRefused()
    {
        var box = new AmpBox();
        Assert.Throws<ArgumentException>(() => box[""] = default);
        Assert.Throws<ArgumentException>(() => box[new string('k', 256)] = default);
        Assert.Throws<ArgumentException>(() => box["\u2603"] = default);
    }

    [Test]
    public void ValuesSurviveARoundTripUnchanged()
    {
        var box = new AmpBox().SetString("a", ": \r\n\r\n").SetString("b", "\r");
        var buffer = new System.Buffers.ReadOnlySequence<byte>(BoxWriter.Serialize(box));
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? parsed), Is.True);
        Assert.That(parsed!.GetString("a"), Is.EqualTo(": \r\n\r\n"));
        Assert.That(parsed.GetString("b"), Is.EqualTo("\r"));
    }
}
