using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

// Digit limits on Integer and Decimal text (docs/limits-and-security.md, "Argument values"): the limit is
// accepted, one more digit is refused, and a refusal comes from one pass over the text, before any
// digit is converted (BigInteger conversion costs more than linear time in the digits).
public sealed class DigitLimitTests
{
    private static string Digits(int count) => string.Concat(Enumerable.Range(0, count).Select(i => (char)('1' + (i % 9))));

    [Test]
    public void DefaultsAreCPythonsIntegerLimit()
    {
        Assert.That(DecimalArgument.DefaultMaxDigits, Is.EqualTo(4300));
        Assert.That(DecimalArgument.Instance.MaxDigits, Is.EqualTo(4300));
        Assert.That(BigIntegerArgument.Instance.MaxDigits, Is.EqualTo(BigIntegerArgument.DefaultMaxDigits).And.EqualTo(4300));
        Assert.That(SystemDecimalArgument.Instance.MaxDigits, Is.EqualTo(4300));
        Assert.That(new DecimalArgument().MaxDigits, Is.EqualTo(4300));
    }

    [TestCase("", "")]
    [TestCase("-", "")]
    [TestCase("0.", "")]
    [TestCase("", "E-4300")]
    [TestCase(" +0000000000", "e+5 ")]
    public void DecimalAcceptsTheLimitAndRefusesOneMoreDigit(string prefix, string suffix)
    {
        AmpDecimal value = Wire.Read(DecimalArgument.Instance, prefix + Digits(4300) + suffix);
        Assert.That(value.Coefficient.ToString(CultureInfo.InvariantCulture), Is.EqualTo(Digits(4300)));

        var error = Assert.Throws<FormatException>(() => Wire.Read(DecimalArgument.Instance, prefix + Digits(4301) + suffix));
        Assert.That(error!.Message, Does.Contain("4301").And.Contain("4300").And.Contain("MaxDigits"));
    }

    [Test]
    public void DecimalLeadingZerosAndUnderscoresAreNotDigitsOfTheCoefficient()
    {
        // Python: str(Decimal("000.000123")) == "0.000123"; the coefficient is 123.
        string zeros = new('0', 60000);
        Assert.That(Wire.Read(DecimalArgument.Instance, zeros + Digits(4300)).Coefficient.ToString(CultureInfo.InvariantCulture), Is.EqualTo(Digits(4300)));
        Assert.That(Wire.Read(DecimalArgument.Instance, "0." + zeros + "7").ToString(), Is.EqualTo("7E-60001"));
        Assert.That(Wire.Read(DecimalArgument.Instance, zeros).ToString(), Is.EqualTo("0"));
        Assert.That(Wire.Read(DecimalArgument.Instance, string.Join('_', Digits(4300).ToCharArray())).Coefficient.ToString(CultureInfo.InvariantCulture), Is.EqualTo(Digits(4300)));
        Assert.That(() => Wire.Read(DecimalArgument.Instance, string.Join('_', Digits(4301).ToCharArray())), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void DecimalNaNPayloadHasTheSameLimit()
    {
        Assert.That(Wire.Read(DecimalArgument.Instance, "NaN" + Digits(4300)).Coefficient.ToString(CultureInfo.InvariantCulture), Is.EqualTo(Digits(4300)));
        Assert.That(Wire.Read(DecimalArgument.Instance, "-sNaN" + new string('0', 9000) + "5").ToString(), Is.EqualTo("-sNaN5"));
        Assert.That(() => Wire.Read(DecimalArgument.Instance, "sNaN" + Digits(4301)), Throws.TypeOf<FormatException>().With.Message.Contains("4301"));
    }

    [Test]
    public void DecimalSyntaxErrorsAreStillSyntaxErrorsWhateverTheLength() =>
        Assert.That(() => Wire.Read(DecimalArgument.Instance, Digits(9000) + "x"), Throws.TypeOf<FormatException>().With.Message.StartsWith("Invalid decimal value"));

    [Test]
    public void DecimalLimitIsConfigurablePerInstance()
    {
        var narrow = new DecimalArgument { MaxDigits = 10 };
        Assert.That(Wire.Read(narrow, "12345.67890").ToString(), Is.EqualTo("12345.67890"));
        Assert.That(Wire.Read(narrow, "0000012345.67890").ToString(), Is.EqualTo("12345.67890"));
        Assert.That(() => Wire.Read(narrow, "12345.678901"), Throws.TypeOf<FormatException>().With.Message.Contains("limit of 10"));

        var wide = new DecimalArgument { MaxDigits = 65535 };
        string longest = Digits(65535);
        Assert.That(Wire.WriteText(wide, Wire.Read(wide, longest)), Is.EqualTo(longest));

        Assert.That(() => new DecimalArgument { MaxDigits = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new BigIntegerArgument { MaxDigits = -1 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new SystemDecimalArgument { MaxDigits = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void DecimalWriteRefusesMoreDigitsThanTheLimitBeforeWritingAnything()
    {
        var writer = new ArrayBufferWriter<byte>();
        writer.Write("x"u8);
        AmpDecimal atLimit = new(BigInteger.Parse(Digits(4300), CultureInfo.InvariantCulture), -2);
        DecimalArgument.Instance.Write(atLimit, writer);
        Assert.That(writer.WrittenCount, Is.EqualTo(1 + 4301));

        foreach (AmpDecimal tooLong in new[]
        {
            new AmpDecimal(BigInteger.Pow(10, 4300), 0),                   // 4301 digits: found by formatting
            new AmpDecimal(BigInteger.Pow(10, 100000), -5),                // found from the bit length alone
            AmpDecimal.CreateNaN(false, true, BigInteger.Pow(10, 4300)),
        })
        {
            writer.ResetWrittenCount();
            var error = Assert.Throws<ArgumentException>(() => DecimalArgument.Instance.Write(tooLong, writer));
            Assert.That(error!.Message, Does.Contain("4300"));
            Assert.That(writer.WrittenCount, Is.Zero);
        }

        Assert.That(Wire.WriteText(new DecimalArgument { MaxDigits = 3 }, AmpDecimal.Parse("-1.23E+7")), Is.EqualTo("-1.23E+7"));
        Assert.That(() => Wire.Write(new DecimalArgument { MaxDigits = 3 }, AmpDecimal.Parse("1.234")), Throws.ArgumentException);
        Assert.That(Wire.WriteText(new DecimalArgument { MaxDigits = 1 }, AmpDecimal.NegativeInfinity), Is.EqualTo("-Infinity"));
    }

    [Test]
    public void IntegerLimitIsConfigurablePerInstanceAndCountsLeadingZerosAsCPythonDoes()
    {
        var five = new BigIntegerArgument { MaxDigits = 5 };
        Assert.That(Wire.Read(five, " -1_2_3_4_5 "), Is.EqualTo(new BigInteger(-12345)));
        Assert.That(() => Wire.Read(five, "123456"), Throws.TypeOf<FormatException>().With.Message.Contains("limit of 5"));
        Assert.That(() => Wire.Read(five, "000001"), Throws.TypeOf<FormatException>());
        Assert.That(Wire.WriteText(five, -99999), Is.EqualTo("-99999"));
        Assert.That(() => Wire.Write(five, 100000), Throws.ArgumentException.With.Message.Contains("5 digits"));

        var wide = new BigIntegerArgument { MaxDigits = 5000 };
        Assert.That(Wire.WriteText(wide, Wire.Read(wide, Digits(5000))), Is.EqualTo(Digits(5000)));
        Assert.That(() => Wire.Read(wide, Digits(5001)), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void SystemDecimalReadsTheSameDigitsAndRoundsLongCoefficients()
    {
        // Python: Context(prec=29).plus(Decimal("1234567890" * 430 + "E-4290")) == Decimal("1234567890.1234567890123456789").
        string text = string.Concat(Enumerable.Repeat("1234567890", 430)) + "E-4290";
        Assert.That(Wire.Read(SystemDecimalArgument.Instance, text), Is.EqualTo(decimal.Parse("1234567890.1234567890123456789", CultureInfo.InvariantCulture)));
        Assert.That(Wire.Read(SystemDecimalArgument.Instance, new string('9', 4300) + "E-4300").ToString(CultureInfo.InvariantCulture), Is.EqualTo("1.0000000000000000000000000000"));
        Assert.That(() => Wire.Read(SystemDecimalArgument.Instance, Digits(4301) + "E-4300"), Throws.TypeOf<FormatException>().With.Message.Contains("4301"));
        Assert.That(() => Wire.Read(SystemDecimalArgument.Instance, Digits(4300)), Throws.TypeOf<FormatException>().With.Message.Contains("outside the range"));

        var two = new SystemDecimalArgument { MaxDigits = 2 };
        Assert.That(Wire.Read(two, "0.12"), Is.EqualTo(0.12m));
        Assert.That(() => Wire.Read(two, "0.123"), Throws.TypeOf<FormatException>());
        Assert.That(() => Wire.Write(two, 1.23m), Throws.ArgumentException);
    }

    [Test]
    public void OverflowMessagesDoNotSpellOutLongValues()
    {
        var error = Assert.Throws<OverflowException>(() => AmpDecimal.Parse(Digits(4300)).ToDecimal());
        Assert.That(error!.Message, Has.Length.LessThan(200));
    }

    // Refusal happens before conversion: refusing a value of tens of thousands of digits allocates
    // about what the exception needs, while converting it would allocate its BigInteger (27 KB for
    // 65,000 digits). The control line shows the measurement tells the two apart.
    [Test]
    public void TooManyDigitsAreRefusedWithoutConvertingThem()
    {
        byte[] decimalText = Encoding.ASCII.GetBytes(Digits(65000));
        byte[] integerText = Encoding.ASCII.GetBytes(" " + Digits(65000) + " ");
        byte[] underscored = Encoding.ASCII.GetBytes(string.Join('_', Digits(30000).ToCharArray()));
        byte[] payload = Encoding.ASCII.GetBytes("NaN" + Digits(65000));

        Assert.That(AllocatedByRefusal(() => DecimalArgument.Instance.Read(decimalText)), Is.LessThan(8 * 1024));
        Assert.That(AllocatedByRefusal(() => DecimalArgument.Instance.Read(underscored)), Is.LessThan(8 * 1024));
        Assert.That(AllocatedByRefusal(() => DecimalArgument.Instance.Read(payload)), Is.LessThan(8 * 1024));
        Assert.That(AllocatedByRefusal(() => BigIntegerArgument.Instance.Read(integerText)), Is.LessThan(8 * 1024));
        Assert.That(AllocatedByRefusal(() => SystemDecimalArgument.Instance.Read(decimalText)), Is.LessThan(8 * 1024));

        var unlimited = new DecimalArgument { MaxDigits = 65000 };
        unlimited.Read(decimalText);
        long before = GC.GetAllocatedBytesForCurrentThread();
        unlimited.Read(decimalText);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.GreaterThan(27_000), "control: a conversion allocates the BigInteger");
    }

    private static long AllocatedByRefusal(Action read)
    {
        Assert.That(() => read(), Throws.TypeOf<FormatException>().With.Message.Contains("limit"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            read();
        }
        catch (FormatException)
        {
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Test]
    public void FixedSizeIntegersReadLongTextInOnePassWithoutALimit()
    {
        // No BigInteger is involved: leading zeros, underscores and whitespace are scanned once, and the
        // value range bounds the significant digits.
        Assert.That(Wire.Read(Int32Argument.Instance, new string('0', 65534) + "7"), Is.EqualTo(7));
        Assert.That(Wire.Read(Int64Argument.Instance, string.Concat(Enumerable.Repeat("0_", 32766)) + "7"), Is.EqualTo(7L));
        Assert.That(Wire.Read(UInt64Argument.Instance, new string(' ', 65000) + "18446744073709551615"), Is.EqualTo(ulong.MaxValue));
        Assert.That(() => Wire.Read(Int64Argument.Instance, Digits(65535)), Throws.TypeOf<FormatException>().With.Message.Contains("out of range"));
        Assert.That(Wire.Read(DoubleArgument.Instance, "0." + Digits(65533)), Is.EqualTo(0.12345678912345678).Within(1e-16));
    }
}
