using System.Numerics;
using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

// Vectors: Twisted 22.4 test_amp.py ListOf*Tests (strings/objects tables) and amp.ListOf under Python 3.11.
public sealed class ListOfArgumentTests
{
    private static readonly ListOfArgument<byte[]> Strings = new(BytesArgument.Instance);
    private static readonly ListOfArgument<BigInteger> Integers = new(BigIntegerArgument.Instance);
    private static readonly ListOfArgument<int> Int32s = new(Int32Argument.Instance);
    private static readonly ListOfArgument<string> Unicodes = new(UnicodeArgument.Instance);
    private static readonly ListOfArgument<AmpDecimal> Decimals = new(DecimalArgument.Instance);
    private static readonly ListOfArgument<DateTimeOffset> DateTimes = new(DateTimeArgument.Instance);

    [Test]
    public void EmptyListIsEmptyValue()
    {
        Assert.That(Wire.Write(Strings, []), Is.Empty);
        Assert.That(Strings.Read([]), Is.Empty);
    }

    [Test]
    public void ListOfStrings()
    {
        byte[] wire = "\u0000\u0003bar\u0000\u0003baz\u0000\u0004quux"u8.ToArray();
        byte[][] value = ["bar"u8.ToArray(), "baz"u8.ToArray(), "quux"u8.ToArray()];
        Assert.That(Wire.Write(Strings, value), Is.EqualTo(wire));
        Assert.That(Strings.Read(wire), Is.EqualTo(value));
        Assert.That(Wire.Write(Strings, ["foo"u8.ToArray()]), Is.EqualTo("\u0000\u0003foo"u8.ToArray()));
    }

    [Test]
    public void ListOfIntegers()
    {
        byte[] wire = Wire.Hex("0001 31 0002 3230 0003 353030");
        Assert.That(Wire.Write(Int32s, [1, 20, 500]), Is.EqualTo(wire));
        Assert.That(Int32s.Read(wire), Is.EqualTo(new[] { 1, 20, 500 }));
        Assert.That(Wire.Write(Int32s, [10]), Is.EqualTo("\u0000\u000210"u8.ToArray()));
        Assert.That(Wire.Write(Int32s, [-1]), Is.EqualTo("\u0000\u0002-1"u8.ToArray()));
        Assert.That(Int32s.Read("\u0000\u0002-1"u8), Is.EqualTo(new[] { -1 }));
    }

    [Test]
    public void ListOfHugeInteger()
    {
        BigInteger huge = BigInteger.Parse(IntegerArgumentTests.Huge, System.Globalization.CultureInfo.InvariantCulture);
        byte[] wire = [0x00, 0x74, .. System.Text.Encoding.ASCII.GetBytes(IntegerArgumentTests.Huge)];
        Assert.That(Wire.Write(Integers, [huge]), Is.EqualTo(wire));
        Assert.That(Integers.Read(wire), Is.EqualTo(new[] { huge }));
    }

    [Test]
    public void ListOfUnicode()
    {
        byte[] wire = Wire.Hex("0003 E29883 0005 48656C6C6F 0005 776F726C64");
        string[] value = ["\u2603", "Hello", "world"];
        Assert.That(Wire.Write(Unicodes, value), Is.EqualTo(wire));
        Assert.That(Unicodes.Read(wire), Is.EqualTo(value));
    }

    [TestCase("\u0000\u00031.1", new[] { "1.1" })]
    [TestCase("\u0000\u0008Infinity\u0000\u0009-Infinity", new[] { "Infinity", "-Infinity" })]
    [TestCase(
        "\u0000\u00083.141E+5\u0000\u000A0.00003141\u0000\u00083.141E-7\u0000\u0009-3.141E+5\u0000\u000B-0.00003141\u0000\u0009-3.141E-7",
        new[] { "3.141E5", "3.141e-5", "3.141E-7", "-3.141e5", "-3.141E-5", "-3.141e-7" })]
    [TestCase("\u0000\u00040E+6\u0000\u00061.5E-9", new[] { "0e6", "1.5E-9" })]
    [TestCase("\u0000\u0003NaN\u0000\u0004-NaN\u0000\u0004sNaN\u0000\u0005-sNaN", new[] { "NaN", "-NaN", "sNaN", "-sNaN" })]
    public void ListOfDecimal(string wireText, string[] pythonLiterals)
    {
        byte[] wire = System.Text.Encoding.Latin1.GetBytes(wireText);
        var value = pythonLiterals.Select(text => AmpDecimal.Parse(text)).ToArray();
        Assert.That(Wire.Write(Decimals, value), Is.EqualTo(wire));
        Assert.That(Decimals.Read(wire), Is.EqualTo(value));
    }

    [Test]
    public void ListOfDecimalNaNKeepsSignAndKind()
    {
        IReadOnlyList<AmpDecimal> values = Decimals.Read("\u0000\u0003NaN\u0000\u0004-NaN\u0000\u0004sNaN\u0000\u0005-sNaN"u8);
        Assert.That(values.Select(v => (v.Kind, v.IsNegative)), Is.EqualTo(new[]
        {
            (AmpDecimalKind.NaN, false), (AmpDecimalKind.NaN, true), (AmpDecimalKind.SignalingNaN, false), (AmpDecimalKind.SignalingNaN, true),
        }));
    }

    [TestCase("\u0000\u00202010-12-25T00:00:00.000000-00:00\u0000\u00202010-12-25T00:00:00.000000-00:00", new[] { 0, 0 })]
    [TestCase("\u0000\u00202010-12-25T00:00:00.000000+01:00", new[] { 60 })]
    [TestCase("\u0000\u00202010-12-25T00:00:00.000000+03:30", new[] { 210 })]
    [TestCase("\u0000\u00202010-12-25T00:00:00.000000-05:00", new[] { -300 })]
    [TestCase("\u0000\u00202010-12-25T00:00:00.000000+03:19\u0000\u00202010-12-25T00:00:00.000000-06:59", new[] { 199, -419 })]
    public void ListOfDateTime(string wireText, int[] offsets)
    {
        byte[] wire = System.Text.Encoding.Latin1.GetBytes(wireText);
        var value = offsets.Select(o => new DateTimeOffset(2010, 12, 25, 0, 0, 0, TimeSpan.FromMinutes(o))).ToArray();
        Assert.That(Wire.Write(DateTimes, value), Is.EqualTo(wire));
        IReadOnlyList<DateTimeOffset> read = DateTimes.Read(wire);
        Assert.That(read, Is.EqualTo(value));
        Assert.That(read.Select(d => d.Offset), Is.EqualTo(value.Select(d => d.Offset)));
    }

    [TestCase("00013100", new[] { 1 })]
    [TestCase("0001310005 6162", new[] { 1 })]
    [TestCase("00", new int[0])]
    [TestCase("0005 3132", new int[0])]
    public void TrailingIncompleteElementIsDropped(string hex, int[] expected) =>
        Assert.That(Int32s.Read(Wire.Hex(hex)), Is.EqualTo(expected));

    [Test]
    public void ZeroLengthElementGoesToTheElementType()
    {
        Assert.That(Strings.Read(Wire.Hex("0000 0000")), Is.EqualTo(new[] { Array.Empty<byte>(), Array.Empty<byte>() }));
        Assert.That(() => Int32s.Read(Wire.Hex("0000")), Throws.TypeOf<FormatException>());
        Assert.That(Wire.Write(Strings, [[], []]), Is.EqualTo(Wire.Hex("0000 0000")));
    }

    [Test]
    public void BadElementIsFormatException() =>
        Assert.That(() => Int32s.Read(Wire.Hex("0001 31 0001 78")), Throws.TypeOf<FormatException>());

    [Test]
    public void ElementLongerThan65535IsArgumentException()
    {
        Assert.That(Wire.Write(Strings, [new byte[65535]]), Has.Length.EqualTo(65537));
        Assert.That(() => Wire.Write(Strings, [new byte[1], new byte[65536]]), Throws.ArgumentException);
    }

    [Test]
    public void NestedListsWork()
    {
        var nested = new ListOfArgument<IReadOnlyList<int>>(Int32s);
        IReadOnlyList<int>[] value = [[1, 2], [], [3]];
        byte[] wire = Wire.Write(nested, value);
        Assert.That(wire, Is.EqualTo(Wire.Hex("0006 0001 31 0001 32  0000  0003 0001 33")));
        Assert.That(nested.Read(wire), Is.EqualTo(value));
    }
}
