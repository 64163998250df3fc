using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

// Vectors: Python str.encode("utf-8") / bytes.decode("utf-8").
public sealed class UnicodeArgumentTests
{
    [TestCase("", "")]
    [TestCase("Hello", "48656C6C6F")]
    [TestCase("\u2603", "E29883")]
    [TestCase("\uFEFFa", "EFBBBF61")]
    [TestCase("\U0001F600", "F09F9880")]
    [TestCase("a\u0000b", "610062")]
    public void WritesAndReadsUtf8(string value, string hex)
    {
        byte[] bytes = Wire.Hex(hex);
        Assert.That(Wire.Write(UnicodeArgument.Instance, value), Is.EqualTo(bytes));
        Assert.That(UnicodeArgument.Instance.Read(bytes), Is.EqualTo(value));
    }

    [Test]
    public void ByteOrderMarkIsKept() =>
        Assert.That(UnicodeArgument.Instance.Read(Wire.Hex("EFBBBF 78")), Is.EqualTo("\uFEFFx"));

    // Attribute arguments are stored as UTF-8, which would turn lone surrogates into U+FFFD.
    private static readonly string[] LoneSurrogates = ["\uD800", "a\uDC00b", "\uDE00\uD83D"];

    [TestCaseSource(nameof(LoneSurrogates))]
    public void LoneSurrogateIsArgumentException(string value) =>
        Assert.That(() => Wire.Write(UnicodeArgument.Instance, value), Throws.ArgumentException);

    [TestCase("FF")]
    [TestCase("C0AF")]
    [TestCase("E282")]
    [TestCase("EDA080")]
    [TestCase("F4908080")]
    [TestCase("80")]
    [TestCase("61E2")]
    public void InvalidUtf8IsFormatException(string hex) =>
        Assert.That(() => UnicodeArgument.Instance.Read(Wire.Hex(hex)), Throws.TypeOf<FormatException>());
}
