using System.Buffers;
using System.Text;
using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Unit.Boxes;

public sealed class BoxReaderTests
{
    private static readonly (string Name, string Wire, int Boxes)[] s_streams =
    [
        ("one box", "00 04 \"_ask\" 00 01 \"1\" 00 08 \"_command\" 00 03 \"Sum\" 00 01 \"a\" 00 02 \"13\" 00 01 \"b\" 00 02 \"81\" 00 00", 1),
        ("empty value", "00 01 \"k\" 00 00 00 00", 1),
        ("empty box", "00 00", 1),
        ("two boxes", "00 01 \"k\" 00 01 \"v\" 00 00 00 02 \"kk\" 00 03 \"vvv\" 00 00", 2),
        ("duplicate keys", "00 01 \"k\" 00 01 \"1\" 00 01 \"k\" 00 01 \"2\" 00 00", 1),
        ("binary value", "00 01 \"b\" 00 04 00 00 FF 01 00 00", 1),
        ("255-byte key", "00 FF " + string.Concat(Enumerable.Repeat("61 ", 255)) + "00 00 00 00", 1),
    ];

    public static IEnumerable<TestCaseData> Streams() =>
        s_streams.Select(s => new TestCaseData(s.Wire, s.Boxes).SetArgDisplayNames(s.Name));

    [TestCaseSource(nameof(Streams))]
    public void WholeStreamGivesTheBoxes(string wire, int count)
    {
        byte[] bytes = Wire.Bytes(wire);
        List<string> boxes = ParseAll(new ReadOnlySequence<byte>(bytes), AmpLimits.Default, out long consumed);
        Assert.That(boxes, Has.Count.EqualTo(count));
        Assert.That(consumed, Is.EqualTo(bytes.Length));
    }

    [TestCaseSource(nameof(Streams))]
    public void EverySplitGivesTheSameBoxes(string wire, int count)
    {
        byte[] bytes = Wire.Bytes(wire);
        List<string> expected = ParseAll(new ReadOnlySequence<byte>(bytes), AmpLimits.Default, out _);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            Assert.That(ParseAll(Segments.Split(bytes, Segments.CutAt(bytes.Length, cut)), AmpLimits.Default, out _), Is.EqualTo(expected), $"cut at {cut}");
        }

        Assert.That(ParseAll(Segments.Split(bytes, Segments.OneBytePerSegment(bytes.Length)), AmpLimits.Default, out _), Is.EqualTo(expected), "one byte per segment");
        int seed = Environment.TickCount;
        TestContext.Out.WriteLine($"random split seed: {seed}");
        var random = new Random(seed);
        for (int round = 0; round < 50; round++)
        {
            Assert.That(ParseAll(Segments.Split(bytes, Segments.Random(bytes.Length, random)), AmpLimits.Default, out _), Is.EqualTo(expected), $"seed {seed}, round {round}");
        }
    }

    [TestCaseSource(nameof(Streams))]
    public void FedOneByteAtATimeLikeAPipeGivesTheSameBoxes(string wire, int count)
    {
        // As a pipe delivers: the unconsumed rest plus one more byte each time.
        byte[] bytes = Wire.Bytes(wire);
        var boxes = new List<string>();
        int start = 0;
        for (int end = 1; end <= bytes.Length; end++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, start, end - start);
            while (BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? box))
            {
                boxes.Add(box.ToString());
            }

            start = (int)(end - buffer.Length);
        }

        Assert.That(boxes, Has.Count.EqualTo(count));
        Assert.That(start, Is.EqualTo(bytes.Length));
    }

    [TestCaseSource(nameof(Streams))]
    public void AnIncompleteBoxConsumesNothing(string wire, int count)
    {
        byte[] bytes = Wire.Bytes(wire);
        int firstBoxLength = FirstBoxLength(bytes);
        for (int length = 0; length < firstBoxLength; length++)
        {
            var buffer = Segments.Split(bytes.AsSpan(0, length).ToArray(), Segments.OneBytePerSegment(length));
            ReadOnlySequence<byte> before = buffer;
            Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView _), Is.False, $"{length} bytes");
            Assert.That(buffer.Length, Is.EqualTo(before.Length), $"{length} bytes");
        }
    }

    [Test]
    public void DuplicateKeysLastOneWins()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Bytes("00 01 \"k\" 00 01 \"1\" 00 01 \"k\" 00 01 \"2\" 00 00"));
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView view), Is.True);
        Assert.That(view.TryGetValue("k"u8, out ReadOnlySpan<byte> value), Is.True);
        Assert.That(Encoding.ASCII.GetString(value), Is.EqualTo("2"));
        Assert.That(view.Count, Is.EqualTo(2));
    }

    [Test]
    public void KeyLengthWithNonZeroFirstByteIsRejectedAsSoonAsThePrefixIsRead()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Bytes("01 00"));
        var error = Assert.Throws<AmpProtocolException>(() => BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView _));
        Assert.That(error!.Error, Is.EqualTo(AmpProtocolError.KeyTooLong));
        Assert.That(error.Message, Does.Contain("256"));
    }

    [Test]
    public void HttpRequestIsRejectedAsAKeyTooLong()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n"));
        var error = Assert.Throws<AmpProtocolException>(() => BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView _));
        Assert.That(error!.Error, Is.EqualTo(AmpProtocolError.KeyTooLong));
    }

    [Test]
    public void KeyTooLongInALaterKeyIsRejected()
    {
        var buffer = Segments.Split(Wire.Bytes("00 01 \"k\" 00 01 \"v\" 01 00"), [4, 4]);
        var error = Assert.Throws<AmpProtocolException>(() => BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView _));
        Assert.That(error!.Error, Is.EqualTo(AmpProtocolError.KeyTooLong));
    }

    [Test]
    public void ValueLongerThanTheLimitIsRejectedFromItsPrefixBeforeTheValueArrives()
    {
        var limits = new AmpLimits { MaxValueLength = 100 };
        var buffer = new ReadOnlySequence<byte>(Wire.Bytes("00 01 \"k\" 00 65"));
        var error = Assert.Throws<AmpProtocolException>(() => BoxReader.TryReadBox(ref buffer, limits, out AmpBoxView _));
        Assert.That(error!.Error, Is.EqualTo(AmpProtocolError.ValueTooLong));
        Assert.That(error.Message, Does.Contain("101").And.Contain("100"));
    }

    [Test]
    public void ValueOfExactlyTheLimitIsAccepted()
    {
        byte[] box = new byte[2 + 1 + 2 + 65535 + 2];
        Wire.Bytes("00 01 \"k\" FF FF").CopyTo(box, 0);
        var buffer = new ReadOnlySequence<byte>(box);
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView view), Is.True);
        Assert.That(view.TryGetValue("k"u8, out ReadOnlySpan<byte> value) ? value.Length : -1, Is.EqualTo(65535));
    }

    [Test]
    public void BoxLargerThanTheLimitIsRejectedFromThePrefixes()
    {
        var limits = new AmpLimits { MaxBoxBytes = 64 };
        var buffer = new ReadOnlySequence<byte>(Wire.Bytes("00 01 \"k\" 01 00"));
        var error = Assert.Throws<AmpProtocolException>(() => BoxReader.TryReadBox(ref buffer, limits, out AmpBoxView _));
        Assert.That(error!.Error, Is.EqualTo(AmpProtocolError.BoxTooLarge));
    }

    [Test]
    public void MoreKeysThanTheLimitIsRejected()
    {
        var limits = new AmpLimits { MaxKeysPerBox = 2 };
        var buffer = new ReadOnlySequence<byte>(Wire.Bytes("00 01 \"a\" 00 00 00 01 \"b\" 00 00 00 01 \"c\""));
        var error = Assert.Throws<AmpProtocolException>(() => BoxReader.TryReadBox(ref buffer, limits, out AmpBoxView _));
        Assert.That(error!.Error, Is.EqualTo(AmpProtocolError.TooManyKeys));
    }

    [Test]
    public void LimitsValidateTheirValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AmpLimits { MaxValueLength = 65536 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AmpLimits { MaxValueLength = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AmpLimits { MaxBoxBytes = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AmpLimits { MaxKeysPerBox = 0 });
    }

    private static List<string> ParseAll(ReadOnlySequence<byte> buffer, AmpLimits limits, out long consumed)
    {
        long total = buffer.Length;
        var boxes = new List<string>();
        while (BoxReader.TryReadBox(ref buffer, limits, out AmpBoxView view))
        {
            using (view)
            {
                var entries = new List<string>();
                foreach (AmpBoxEntry entry in view)
                {
                    entries.Add(Convert.ToHexString(entry.Key) + "=" + Convert.ToHexString(entry.Value));
                }

                boxes.Add(string.Join(",", entries));
            }
        }

        consumed = total - buffer.Length;
        return boxes;
    }

    private static int FirstBoxLength(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBoxView _);
        return (int)(bytes.Length - buffer.Length);
    }
}
