using System.Text;
using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Unit.Commands;

/// <summary>Big values (BigStringArgument, BigUnicodeArgument) as written: the recipe's keys, in Twisted's sorted order.</summary>
public sealed class BigValueWriteTests
{
    private static readonly int[] s_sizes = [0, 1, 65534, 65535, 65536, 131070, 131071, 200_000, 700_000];

    [TestCaseSource(nameof(s_sizes))]
    public void EveryPropertyTypeRoundTrips(int size)
    {
        byte[] data = BigPayloads.Bytes(size);
        string text = BigPayloads.Text(size);
        var sent = new BigTypesCommand { Bytes = data, Memory = data, Maybe = data, Text = text };
        BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(BigBoxes.Write(sent));
        BigBoxes.AssertSame(back.Bytes, data, "byte[]");
        BigBoxes.AssertSame(back.Memory.Span, data, "ReadOnlyMemory<byte>");
        BigBoxes.AssertSame(back.Maybe!.Value.Span, data, "ReadOnlyMemory<byte>?");
        Assert.That(back.Text, Is.EqualTo(text));
    }

    [TestCase(0, new int[] { 0 })]
    [TestCase(1, new int[] { 1 })]
    [TestCase(65535, new int[] { 65535 })]
    [TestCase(65536, new int[] { 65535, 1 })]
    [TestCase(131071, new int[] { 65535, 65535, 1 })]
    public void AValueUpTo65535BytesIsTheNameAloneAndLongerOnesGoOnInChunks(int size, int[] chunks)
    {
        byte[] box = BigBoxes.Write(new BigTypesCommand { Bytes = BigPayloads.Bytes(size) });
        AmpBox parsed = BigBoxes.Parse(box);
        string[] keys = ["bytes", .. Enumerable.Range(2, chunks.Length - 1).Select(i => $"bytes.{i}")];
        Assert.That(BigBoxes.Keys(box).Where(k => k.StartsWith("bytes", StringComparison.Ordinal)), Is.EquivalentTo(keys));
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.That(parsed[keys[i]].Length, Is.EqualTo(chunks[i]), keys[i]);
        }
    }

    [Test]
    public void TheSameBoxAsAnAmpBoxWithSetBigBytes()
    {
        // The untyped path builds its box in a dictionary and sorts every key when writing: an independent reference.
        byte[] data = BigPayloads.Bytes(700_000);
        string text = BigPayloads.Text(300_000);
        byte[] typed = BigBoxes.Write(new BigTypesCommand { Bytes = data, Memory = data[..70_000], Text = text });
        AmpBox box = new AmpBox().SetBigBytes("bytes", data).SetBigBytes("memory", data.AsMemory(0, 70_000)).SetBigString("text", text);
        box.SetString("_ask", "1").SetString("_command", "BigTypes");
        BigBoxes.AssertSame(typed, BoxWriter.Serialize(box), "box");
    }

    [Test]
    public void KeysAreSortedBytewiseWhateverTheSizes([Values(11, 23, 47)] int seed)
    {
        TestContext.Out.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (int round = 0; round < 30; round++)
        {
            var command = new MixedCommand
            {
                A = RandomValue(random),
                ADash = "-",
                ADot1X = "1x",
                ADot2X = random.Next(2) == 0 ? null : "2x",
                ADot02 = "02",
                ASlash = "/",
                ADot1 = random.Next(2) == 0 ? null : BigPayloads.Text(random.Next(0, 200_000)),
                Underscore = RandomValue(random),
                Bare = RandomValue(random),
                Upper = RandomValue(random),
                Z = "z",
            };
            byte[] box = BigBoxes.Write(command);
            List<string> keys = BigBoxes.Keys(box);
            Assert.That(keys, Is.EqualTo(keys.Order(StringComparer.Ordinal).ToList()), $"seed {seed}, round {round}");
            Assert.That(keys, Is.Unique);
            BigBoxes.AssertSame(box, BoxWriter.Serialize(BigBoxes.Parse(box)), "as BoxWriter sorts the same keys");
            MixedCommand back = BigBoxes.Read<MixedCommand>(box);
            Assert.That(back.ADot1, Is.EqualTo(command.ADot1));
            foreach ((byte[]? got, byte[]? sent, string name) in new[] { (back.A, command.A, "a"), (back.Underscore, command.Underscore, "_a"), (back.Bare, command.Bare, "_"), (back.Upper, command.Upper, "B") })
            {
                Assert.That(got is null, Is.EqualTo(sent is null), name);
                BigBoxes.AssertSame(got, sent, name);
            }
        }
    }

    [Test]
    public void ChunksOfAnUnderscoreNameGoBeforeTheReservedKeysAfterThem()
    {
        byte[] box = BigBoxes.Write(new MixedCommand { Underscore = new byte[65535 * 10 + 1], Bare = new byte[65536], Upper = new byte[65536] });
        Assert.That(BigBoxes.Keys(box), Is.EqualTo(new[]
        {
            "B", "B.2", "_", "_.2", "_a", "_a.10", "_a.11", "_a.2", "_a.3", "_a.4", "_a.5", "_a.6", "_a.7", "_a.8", "_a.9", "_ask", "_command",
        }));
    }

    [Test]
    public void TextIsCutInsideACharacterAndJoinedBeforeDecoding()
    {
        string text = "ab" + string.Concat(Enumerable.Repeat("\U0001F600", 20_000)); // 2 + 80,000 bytes: 65,535 falls inside an emoji
        byte[] box = BigBoxes.Write(new BigTypesCommand { Text = text });
        AmpBox parsed = BigBoxes.Parse(box);
        byte[] first = parsed["text"].ToArray();
        Assert.That(first, Has.Length.EqualTo(65535));
        Assert.That(first[^1] & 0xC0, Is.EqualTo(0x80).Or.EqualTo(0xC0), "the first chunk ends inside a character");
        Assert.That(BigBoxes.Read<BigTypesCommand>(box).Text, Is.EqualTo(text));
        Assert.That(parsed.GetBigString("text"), Is.EqualTo(text));
    }

    [Test]
    public void AnEmptyValueIsTheNameWithAnEmptyValueAndAbsentIsNoKey()
    {
        byte[] box = BigBoxes.Write(new BigTypesCommand { Bytes = [], Text = "" });
        AmpBox parsed = BigBoxes.Parse(box);
        Assert.That(BigBoxes.Keys(box), Is.EqualTo(new[] { "_ask", "_command", "bytes", "memory", "text" }));
        Assert.That((parsed["bytes"].Length, parsed["memory"].Length, parsed["text"].Length), Is.EqualTo((0, 0, 0)));
        BigTypesCommand back = BigBoxes.Read<BigTypesCommand>(box);
        Assert.That((back.Bytes, back.Maybe, back.Text), Is.EqualTo((Array.Empty<byte>(), (ReadOnlyMemory<byte>?)null, "")));
    }

    [Test]
    public void BigValuesInsideAnAmpListElementUseTheElementsBox()
    {
        // As Twisted's AmpList would with a BigString field: the chunks are keys of the element's box, which
        // is one value of at most 65,535 bytes, so elements stay small.
        var command = new BigInListCommand { Items = [new BigRecord { Blob = BigPayloads.Bytes(300) }, new BigRecord()] };
        BigInListCommand back = BigBoxes.Read<BigInListCommand>(BigBoxes.Write(command));
        Assert.That(back.Items.Select(i => i.Blob), Is.EqualTo(command.Items.Select(i => i.Blob)));
    }

    [Test]
    public void AValueOverMaxBytesOrWithoutUtf8FormFailsBeforeAnythingIsWritten()
    {
        var over = Assert.Throws<AmpArgumentException>(() => BigBoxes.Write(new LimitedCommand { Data = new byte[100_001] }));
        Assert.That(over!.FieldName, Is.EqualTo("data"));
        Assert.That(over.Message, Does.Contain("100001 bytes in 2 chunks exceeds the field's limit of 100000 bytes (MaxBytes)"));
        Assert.That(BigBoxes.Read<LimitedCommand>(BigBoxes.Write(new LimitedCommand { Data = new byte[100_000] })).Data, Has.Length.EqualTo(100_000));
        var text = Assert.Throws<AmpArgumentException>(() => BigBoxes.Write(new LimitedCommand { Text = "\u2603\u2603\u2603\u2603" }));
        Assert.That(text!.FieldName, Is.EqualTo("text"), "12 UTF-8 bytes, 4 characters");
        var surrogate = Assert.Throws<AmpArgumentException>(() => BigBoxes.Write(new BigTypesCommand { Text = "a\uD800" }));
        Assert.That(surrogate!.Message, Does.Contain("lone surrogate"));
    }

    [Test]
    public void APlainFieldOverTheWireLimitPointsToTheBigTypes()
    {
        var error = Assert.Throws<AmpArgumentException>(() => BigBoxes.Write(new BigInListCommand { Items = [new BigRecord { Blob = new byte[70_000] }] }));
        Assert.That(error!.Message, Does.Contain("BigStringArgument"));
    }

    private static byte[]? RandomValue(Random random) => random.Next(4) switch
    {
        0 => null,
        1 => BigPayloads.Bytes(random.Next(0, 65537)),
        _ => BigPayloads.Bytes(random.Next(65536, 900_000)),
    };
}
