using System.Buffers;
using System.Text;
using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Unit.Commands;

/// <summary>Big values as read from boxes an arbitrary peer may send: any key order, gaps, duplicates, odd keys, limits.</summary>
public sealed class BigValueReadTests
{
    private static readonly byte[] s_name = [1, 2, 3];

    private static (string, byte[]) E(string key, byte[] value) => (key, value);

    private static (string, byte[]) E(string key, string value) => (key, Encoding.ASCII.GetBytes(value));

    private static byte[] Call(params (string Key, byte[] Value)[] entries) =>
        BigBoxes.InOrder([E("_command", "BigTypes"), E("memory", ""), .. entries]);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void ChunksInAnyKeyOrderGiveTheSameValue(int seed)
    {
        TestContext.Out.WriteLine($"seed {seed}");
        byte[] data = BigPayloads.Bytes(700_000);
        string text = "\u00e9" + BigPayloads.Text(300_000);
        byte[] sorted = BigBoxes.Write(new BigTypesCommand { Bytes = data, Text = text });
        var entries = new List<(string, byte[])>();
        var view = new AmpBoxView.Enumerator(sorted);
        while (view.MoveNext())
        {
            entries.Add((Encoding.Latin1.GetString(view.Current.Key), view.Current.Value.ToArray()));
        }

        var random = new Random(seed);
        for (int round = 0; round < 5; round++)
        {
            (string, byte[])[] shuffled = [.. entries];
            random.Shuffle(shuffled);
            BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(BigBoxes.InOrder(shuffled));
            BigBoxes.AssertSame(back.Bytes, data, $"seed {seed}, round {round}");
            Assert.That(back.Text, Is.EqualTo(text), $"seed {seed}, round {round}");
        }
    }

    [Test]
    public void ChunksOfAnyLengthAreJoinedUpToTheFirstMissingIndex()
    {
        BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(Call(
            E("bytes.4", "D"), E("bytes.2", ""), E("bytes", "A"), E("bytes.3", "BC"), E("bytes.6", "after the gap"), E("bytes.10", "10")));
        Assert.That(Encoding.ASCII.GetString(back.Bytes!), Is.EqualTo("ABCD"));
    }

    [Test]
    public void ARepeatedKeyCountsWithItsLastValueAsTwistedsDictionaryDoes()
    {
        BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(Call(
            E("bytes.2", "old"), E("bytes", "first"), E("bytes", "A"), E("bytes.2", "B"), E("bytes.3", "C"), E("bytes.3", "C2")));
        Assert.That(Encoding.ASCII.GetString(back.Bytes!), Is.EqualTo("ABC2"));
    }

    [Test]
    public void KeysTheRecipeNeverLooksUpAreIgnored()
    {
        BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(Call(
            E("bytes", "A"), E("bytes.0", "0"), E("bytes.1", "1"), E("bytes.02", "02"), E("bytes.+2", "+2"), E("bytes.x", "x"),
            E("bytes.", "."), E("bytes.2 ", "space"), E("bytes.1000000000", "huge"), E("bytes.3", "3"), E("maybe.2", "no name"),
            E("unknown.2", "unknown"), E("text.2", "\u00ff")));
        Assert.That(Encoding.ASCII.GetString(back.Bytes!), Is.EqualTo("A"), "bytes.3 follows a missing bytes.2");
        Assert.That(back.Maybe, Is.Null, "chunks of an absent value are not a value");
        Assert.That(back.Text, Is.Null);
    }

    [Test]
    public void ChunksWithoutTheirNameAreNoValue()
    {
        var missing = Assert.Throws<AmpArgumentException>(() => BigBoxes.Read<LimitedCommand>(BigBoxes.InOrder([E("data.2", "x"), E("data.3", "y")])));
        Assert.That((missing!.FieldName, missing.Message), Is.EqualTo(("data", "Limited.data: required key is missing")));
    }

    [Test]
    public void AValueOverMaxBytesIsRefusedFromTheLengthsBeforeItIsAssembled()
    {
        byte[] box = BigBoxes.Write(new LimitedCommand { Data = new byte[100_000] });
        box = BigBoxes.InOrder([.. BigBoxes.Parse(box).Select(p => (p.Key, p.Value.ToArray())), E("data.3", new byte[65535]), E("data.4", new byte[65535])]);
        Assert.Throws<AmpArgumentException>(() => BigBoxes.Read<LimitedCommand>(box)); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        var over = Assert.Throws<AmpArgumentException>(() => BigBoxes.Read<LimitedCommand>(box));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(over!.Message, Is.EqualTo("Limited.data: value of 231070 bytes in 4 chunks exceeds the field's limit of 100000 bytes (MaxBytes)"));
        Assert.That(allocated, Is.LessThan(16 * 1024), "nothing the size of the value was allocated");
        var text = Assert.Throws<AmpArgumentException>(() => BigBoxes.Read<LimitedCommand>(BigBoxes.InOrder([E("data", ""), E("text", "0123456789"), E("text.2", "A")])));
        Assert.That(text!.FieldName, Is.EqualTo("text"));
        Assert.That(BigBoxes.Read<LimitedCommand>(BigBoxes.InOrder([E("data", ""), E("text", "01234"), E("text.2", "56789")])).Text, Is.EqualTo("0123456789"));
    }

    [Test]
    public void AssemblingAllocatesTheValueOnceWhateverTheNumberOfChunks()
    {
        // 1,000 one-byte chunks in reverse key order: one pass finds them, one table (pooled) places them.
        var entries = new List<(string, byte[])>();
        for (int i = 1001; i >= 2; i--)
        {
            entries.Add(E($"bytes.{i}", [(byte)i]));
        }

        entries.Add(E("bytes", s_name));
        byte[] box = Call([.. entries]);
        byte[] expected = [.. s_name, .. Enumerable.Range(2, 1000).Select(i => (byte)i)];
        BigBoxes.AssertSame(BigBoxes.Read<BigTypesCommand>(box).Bytes, expected, "warm-up");
        long before = GC.GetAllocatedBytesForCurrentThread();
        BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(box);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        BigBoxes.AssertSame(back.Bytes, expected, "value");
        Assert.That(allocated, Is.LessThan(expected.Length + 512), "the value's array and the command object, nothing per chunk");
    }

    [Test]
    public void TextIsDecodedStrictlyAfterTheChunksAreJoined()
    {
        byte[] snowman = Encoding.UTF8.GetBytes("\u2603");
        BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(Call(E("text.3", snowman[2..]), E("text", snowman[..1]), E("text.2", snowman[1..2])));
        Assert.That(back.Text, Is.EqualTo("\u2603"));
        var invalid = Assert.Throws<AmpArgumentException>(() => BigBoxes.Read<BigTypesCommand>(Call(E("text", snowman[..2]), E("text.2", "x"))));
        Assert.That(invalid!.Message, Does.StartWith("BigTypes.text: malformed value: Invalid UTF-8 at byte 0 of a text of 3 bytes assembled from 2 chunks"));
        var late = Assert.Throws<AmpArgumentException>(() => BigBoxes.Read<BigTypesCommand>(Call(E("text", new byte[60_000]), E("text.2", [.. new byte[10_000], 0x41, 0xFF]))));
        Assert.That(late!.Message, Does.Contain("at byte 70001 of a text of 70002 bytes"));
        var surrogate = Assert.Throws<AmpArgumentException>(() => BigBoxes.Read<BigTypesCommand>(Call(E("text", [0xED, 0xA0]), E("text.2", [0x80]))));
        Assert.That(surrogate!.FieldName, Is.EqualTo("text"), "an encoded surrogate is not UTF-8, as in Python");
    }

    public static IEnumerable<TestCaseData> SplitBoxes()
    {
        // Small chunks (a peer may cut them as it likes) keep every split cheap while crossing name.10.
        var small = new List<(string, byte[])> { E("_ask", "7"), E("_command", "BigTypes"), E("memory", "") };
        small.Add(E("bytes", "0123456789"));
        for (int i = 2; i <= 12; i++)
        {
            small.Add(E($"bytes.{i}", $"chunk {i}!"));
        }

        small.Add(E("text", [0xE2, 0x98]));
        small.Add(E("text.2", [0x83]));
        yield return new TestCaseData(BigBoxes.InOrder(small), 1).SetArgDisplayNames("small chunks");
        yield return new TestCaseData(BigBoxes.Write(new BigTypesCommand { Bytes = BigPayloads.Bytes(65536), Text = "\u00e9" }), 1).SetArgDisplayNames("65536 bytes");
    }

    [TestCaseSource(nameof(SplitBoxes))]
    public void EverySplitOfABigBoxReadsTheSameValues(byte[] box, int stride)
    {
        BigTypesCommand expected = BigBoxes.Read<BigTypesCommand>(box);
        for (int cut = 1; cut < box.Length; cut += stride)
        {
            Check(Segments.Split(box, Segments.CutAt(box.Length, cut)), $"cut at {cut}");

            // Incomplete: nothing consumed, nothing read.
            var partial = new ReadOnlySequence<byte>(box, 0, cut);
            Assert.That(BoxReader.TryReadBox(ref partial, AmpLimits.Default, out AmpBoxView _), Is.False, $"first {cut} bytes");
            Assert.That(partial.Length, Is.EqualTo(cut));
        }

        if (box.Length < 4096)
        {
            Check(Segments.Split(box, Segments.OneBytePerSegment(box.Length)), "one byte per segment");
        }

        void Check(ReadOnlySequence<byte> sequence, string what)
        {
            Assert.That(BoxReader.TryReadBox(ref sequence, AmpLimits.Default, out AmpBoxView view), Is.True, what);
            using (view)
            {
                Assert.That(sequence.IsEmpty, Is.True, what);
                BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(view.Bytes.ToArray());
                BigBoxes.AssertSame(back.Bytes, expected.Bytes, what);
                Assert.That(back.Text, Is.EqualTo(expected.Text), what);
            }
        }
    }
}
