using System.Text;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Tests.Unit.Commands;

namespace Amp.Tests.Unit.Boxes;

/// <summary>Big values on raw boxes: <see cref="AmpBox.SetBigBytes"/>, <see cref="AmpBox.TryGetBigBytes"/> and the text forms.</summary>
public sealed class AmpBoxBigValueTests
{
    [TestCase(0)]
    [TestCase(65535)]
    [TestCase(65536)]
    [TestCase(700_000)]
    public void BytesRoundTripThroughTheWire(int size)
    {
        byte[] data = BigPayloads.Bytes(size);
        AmpBox box = BigBoxes.Parse(BoxWriter.Serialize(new AmpBox().SetBigBytes("data", data).SetString("data-x", "x")));
        Assert.That(box.TryGetBigBytes("data", out byte[]? back), Is.True);
        BigBoxes.AssertSame(back, data, "data");
        Assert.That(box.Count, Is.EqualTo(ChunkKeys.Count(size) + 1));
        Assert.That(box.TryGetBigBytes("absent", out byte[]? none), Is.False);
        Assert.That(none, Is.Null);
    }

    [Test]
    public void TextIsJoinedBeforeItIsDecoded()
    {
        string text = BigPayloads.Text(200_000);
        var box = new AmpBox().SetBigString("text", text);
        Assert.That(box["text"].Span[^1], Is.InRange((byte)0x80, (byte)0xBF), "the first chunk ends inside a snowman");
        Assert.That(box.GetBigString("text"), Is.EqualTo(text));
        Assert.That(box.GetBigString("absent"), Is.Null);
    }

    [Test]
    public void SettingAShorterValueRemovesTheChunksLeftFromALongerOne()
    {
        var box = new AmpBox().SetBigBytes("v", new byte[65535 * 4]);
        box.SetBigBytes("v", new byte[65536]);
        Assert.That(box.Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[] { "v", "v.2" }));
        box.SetBigBytes("v", "x"u8.ToArray());
        Assert.That(box.Keys, Is.EqualTo(new[] { "v" }));
        Assert.That(box.TryGetBigBytes("v", out byte[]? value) && Encoding.ASCII.GetString(value) == "x", Is.True);
    }

    [Test]
    public void KeysMustLeaveRoomForTheChunkKeys()
    {
        string name = new('k', 254);
        Assert.That(() => new AmpBox().SetBigBytes(name, new byte[65535]), Throws.Nothing, "one chunk needs no chunk key");
        var error = Assert.Throws<ArgumentException>(() => new AmpBox().SetBigBytes(name, new byte[65536]));
        Assert.That(error!.Message, Does.Contain("needs chunk keys of 256 characters"));
        Assert.That(() => new AmpBox().SetBigBytes(new string('k', 253), new byte[65536]), Throws.Nothing, "k….2 is 255 characters");
        Assert.That(() => new AmpBox().SetBigBytes(new string('k', 253), new byte[65535 * 9 + 1]), Throws.ArgumentException, "k….10 is 256");
        Assert.That(() => new AmpBox().SetBigBytes("", new byte[1]), Throws.ArgumentException);
    }

    [Test]
    public void AGapEndsTheValue()
    {
        var box = new AmpBox { ["v"] = "a"u8.ToArray(), ["v.2"] = "b"u8.ToArray(), ["v.4"] = "d"u8.ToArray(), ["v.02"] = "x"u8.ToArray() };
        Assert.That(box.TryGetBigBytes("v", out byte[]? value), Is.True);
        Assert.That(Encoding.ASCII.GetString(value!), Is.EqualTo("ab"));
    }
}
