using System.Numerics;
using System.Text;
using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

// Vectors: Python 3.11 int(bytes) and b"%d" % n (Twisted's amp.Integer).
public sealed class IntegerArgumentTests
{
    // 9999...9 (58 digits) squared: Twisted's ListOfIntegersTests "huge" value, 116 digits.
    internal const string Huge = "99999999999999999999999999999999999999999999999999999999980000000000000000000000000000000000000000000000000000000001";

    [TestCase(0, "0")]
    [TestCase(7, "7")]
    [TestCase(-7, "-7")]
    [TestCase(int.MaxValue, "2147483647")]
    [TestCase(int.MinValue, "-2147483648")]
    public void Int32WritesPlainDecimal(int value, string expected) =>
        Assert.That(Wire.WriteText(Int32Argument.Instance, value), Is.EqualTo(expected));

    [TestCase(long.MaxValue, "9223372036854775807")]
    [TestCase(long.MinValue, "-9223372036854775808")]
    [TestCase(-1L, "-1")]
    public void Int64WritesPlainDecimal(long value, string expected) =>
        Assert.That(Wire.WriteText(Int64Argument.Instance, value), Is.EqualTo(expected));

    [TestCase(ulong.MaxValue, "18446744073709551615")]
    [TestCase(0UL, "0")]
    public void UInt64WritesPlainDecimal(ulong value, string expected) =>
        Assert.That(Wire.WriteText(UInt64Argument.Instance, value), Is.EqualTo(expected));

    [TestCase("0", 0L)]
    [TestCase("7", 7L)]
    [TestCase("-7", -7L)]
    [TestCase("+7", 7L)]
    [TestCase(" 7 ", 7L)]
    [TestCase("\u0009\u000A\u000B\u000C\u000D7\u000D", 7L)]
    [TestCase("007", 7L)]
    [TestCase("-007", -7L)]
    [TestCase("1_000", 1000L)]
    [TestCase("1_2_3", 123L)]
    [TestCase("-0", 0L)]
    [TestCase("+0", 0L)]
    [TestCase("0_0", 0L)]
    [TestCase("2147483647", 2147483647L)]
    [TestCase("-2147483648", -2147483648L)]
    [TestCase("9223372036854775807", 9223372036854775807L)]
    [TestCase("-9223372036854775808", -9223372036854775808L)]
    public void ReadsWhatPythonIntAccepts(string text, long expected)
    {
        Assert.That(Wire.Read(Int64Argument.Instance, text), Is.EqualTo(expected));
        Assert.That(Wire.Read(BigIntegerArgument.Instance, text), Is.EqualTo(new BigInteger(expected)));
        if (expected is >= int.MinValue and <= int.MaxValue)
        {
            Assert.That(Wire.Read(Int32Argument.Instance, text), Is.EqualTo((int)expected));
        }

        if (expected >= 0)
        {
            Assert.That(Wire.Read(UInt64Argument.Instance, text), Is.EqualTo((ulong)expected));
        }
    }

    [TestCase("")]
    [TestCase("  ")]
    [TestCase("-")]
    [TestCase("+")]
    [TestCase("1.0")]
    [TestCase("0x10")]
    [TestCase("1e3")]
    [TestCase("1_")]
    [TestCase("_1")]
    [TestCase("1__0")]
    [TestCase("+_1")]
    [TestCase("- 1")]
    [TestCase("+-1")]
    [TestCase("1 2")]
    [TestCase("\u001C1")]
    [TestCase("\u0661")]
    [TestCase("\uFF11")]
    [TestCase("0b1")]
    [TestCase("1L")]
    [TestCase("++1")]
    [TestCase("\u00001")]
    [TestCase("abc")]
    public void RejectsWhatPythonIntRejects(string text)
    {
        Assert.That(() => Wire.Read(Int32Argument.Instance, text), Throws.TypeOf<FormatException>());
        Assert.That(() => Wire.Read(Int64Argument.Instance, text), Throws.TypeOf<FormatException>());
        Assert.That(() => Wire.Read(UInt64Argument.Instance, text), Throws.TypeOf<FormatException>());
        Assert.That(() => Wire.Read(BigIntegerArgument.Instance, text), Throws.TypeOf<FormatException>());
    }

    [TestCase("2147483648")]
    [TestCase("-2147483649")]
    [TestCase("99999999999999999999999")]
    public void Int32OutOfRangeIsFormatException(string text) =>
        Assert.That(() => Wire.Read(Int32Argument.Instance, text), Throws.TypeOf<FormatException>().With.Message.Contains("out of range"));

    [TestCase("9223372036854775808")]
    [TestCase("-9223372036854775809")]
    [TestCase("18446744073709551616")]
    public void Int64OutOfRangeIsFormatException(string text) =>
        Assert.That(() => Wire.Read(Int64Argument.Instance, text), Throws.TypeOf<FormatException>().With.Message.Contains("out of range"));

    [TestCase("18446744073709551615", ulong.MaxValue)]
    [TestCase(" 1_8446744073709551615 ", ulong.MaxValue)]
    [TestCase("-0", 0UL)]
    public void UInt64ReadsFullRange(string text, ulong expected) =>
        Assert.That(Wire.Read(UInt64Argument.Instance, text), Is.EqualTo(expected));

    [TestCase("18446744073709551616")]
    [TestCase("-1")]
    public void UInt64OutOfRangeIsFormatException(string text) =>
        Assert.That(() => Wire.Read(UInt64Argument.Instance, text), Throws.TypeOf<FormatException>().With.Message.Contains("out of range"));

    [Test]
    public void BigIntegerRoundTripsTwistedsHugeValue()
    {
        var huge = BigInteger.Parse("9999999999999999999999999999999999999999999999999999999999", System.Globalization.CultureInfo.InvariantCulture);
        huge *= huge;
        Assert.That(Wire.WriteText(BigIntegerArgument.Instance, huge), Is.EqualTo(Huge));
        Assert.That(Wire.Read(BigIntegerArgument.Instance, Huge), Is.EqualTo(huge));
        Assert.That(Wire.Read(BigIntegerArgument.Instance, "-" + Huge), Is.EqualTo(-huge));
    }

    [Test]
    public void BigIntegerReadsUnderscoresInLongNumbers() =>
        Assert.That(
            Wire.Read(BigIntegerArgument.Instance, " -1_000_000_000_000_000_000_000_000 "),
            Is.EqualTo(-BigInteger.Pow(10, 24)));

    [Test]
    public void BigIntegerAcceptsExactly4300Digits()
    {
        string digits = new('7', 4300);
        Assert.That(Wire.Read(BigIntegerArgument.Instance, "-" + digits).ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo("-" + digits));
        string withUnderscores = string.Join('_', Enumerable.Repeat("1", 4300));
        Assert.That(Wire.Read(BigIntegerArgument.Instance, withUnderscores).ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(new string('1', 4300)));
    }

    [Test]
    public void BigIntegerRejectsMoreThan4300DigitsLeadingZerosIncluded()
    {
        // Python 3.11: int(b"0" * 4300 + b"1") -> ValueError: Exceeds the limit (4300 digits).
        Assert.That(() => Wire.Read(BigIntegerArgument.Instance, new string('0', 4300) + "1"), Throws.TypeOf<FormatException>().With.Message.Contains("4300"));
        Assert.That(() => Wire.Read(BigIntegerArgument.Instance, new string('1', 4301)), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void BigIntegerWriteRefusesWhatPythonCannotRead()
    {
        BigInteger ok = BigInteger.Pow(10, 4299);
        Assert.That(Wire.Write(BigIntegerArgument.Instance, -ok), Has.Length.EqualTo(4301));
        Assert.That(() => Wire.Write(BigIntegerArgument.Instance, BigInteger.Pow(10, 4300)), Throws.ArgumentException);
    }

    [Test]
    public void WritingAppendsToWhatIsAlreadyThere()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        Int32Argument.Instance.Write(12, writer);
        Int64Argument.Instance.Write(-34, writer);
        BigIntegerArgument.Instance.Write(56, writer);
        Assert.That(Encoding.ASCII.GetString(writer.WrittenSpan), Is.EqualTo("12-3456"));
    }
}
