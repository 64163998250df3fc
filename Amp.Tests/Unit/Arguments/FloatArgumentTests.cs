using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

/// <summary>The Float argument against Python's own <c>repr</c> and <c>float()</c> (vectors in <see cref="FloatVectors"/>).</summary>
public sealed class FloatArgumentTests
{
    [TestCaseSource(typeof(FloatVectors), nameof(FloatVectors.ReprVectors))]
    [TestCaseSource(typeof(FloatVectors), nameof(FloatVectors.RandomReprVectors))]
    public void WritesPythonRepr(ulong bits, string expected)
    {
        double value = BitConverter.UInt64BitsToDouble(bits);
        Assert.That(Wire.WriteText(DoubleArgument.Instance, value), Is.EqualTo(expected));
    }

    [TestCaseSource(typeof(FloatVectors), nameof(FloatVectors.ReprVectors))]
    [TestCaseSource(typeof(FloatVectors), nameof(FloatVectors.RandomReprVectors))]
    public void ReadsPythonReprBackToTheSameBits(ulong bits, string text)
    {
        double value = Wire.Read(DoubleArgument.Instance, text);
        if (text == "nan")
        {
            Assert.That(double.IsNaN(value), Is.True);
            return;
        }

        Assert.That(BitConverter.DoubleToUInt64Bits(value), Is.EqualTo(bits));
    }

    [TestCaseSource(typeof(FloatVectors), nameof(FloatVectors.ParseVectors))]
    public void ReadsWhatPythonFloatAccepts(string text, ulong bits)
    {
        double value = Wire.Read(DoubleArgument.Instance, text);
        double expected = BitConverter.UInt64BitsToDouble(bits);
        if (double.IsNaN(expected))
        {
            Assert.That(double.IsNaN(value), Is.True);
            return;
        }

        Assert.That(BitConverter.DoubleToUInt64Bits(value), Is.EqualTo(bits), $"read {value:R}, expected {expected:R}");
    }

    [TestCase("")]
    [TestCase("  ")]
    [TestCase("0x1p3")]
    [TestCase("1,5")]
    [TestCase("1_")]
    [TestCase("_1")]
    [TestCase("1__0")]
    [TestCase("1._5")]
    [TestCase("1_.5")]
    [TestCase("1e")]
    [TestCase("e5")]
    [TestCase(".")]
    [TestCase(".e5")]
    [TestCase("1e+")]
    [TestCase("infinit")]
    [TestCase("infinityy")]
    [TestCase("nan(1)")]
    [TestCase("in f")]
    [TestCase("1 0")]
    [TestCase("1e_1")]
    [TestCase("++1")]
    [TestCase("+-1")]
    [TestCase("1.0.0")]
    [TestCase("\u001C1")]
    [TestCase("1d5")]
    [TestCase("0b1")]
    [TestCase("\u0661")]
    public void RejectsWhatPythonFloatRejects(string text)
    {
        Assert.That(() => Wire.Read(DoubleArgument.Instance, text), Throws.TypeOf<FormatException>());
        Assert.That(() => Wire.Read(SingleArgument.Instance, text), Throws.TypeOf<FormatException>());
    }

    [TestCaseSource(typeof(FloatVectors), nameof(FloatVectors.SingleReprVectors))]
    public void SingleIsWrittenAsItsWidenedDouble(uint bits, string expected) =>
        Assert.That(Wire.WriteText(SingleArgument.Instance, BitConverter.UInt32BitsToSingle(bits)), Is.EqualTo(expected));

    [TestCaseSource(typeof(FloatVectors), nameof(FloatVectors.SingleReprVectors))]
    public void SingleRoundTrips(uint bits, string text) =>
        Assert.That(BitConverter.SingleToUInt32Bits(Wire.Read(SingleArgument.Instance, text)), Is.EqualTo(bits));

    [TestCaseSource(typeof(FloatVectors), nameof(FloatVectors.SingleParseVectors))]
    public void SingleReadsADoubleAndRoundsIt(string text, uint bits) =>
        Assert.That(BitConverter.SingleToUInt32Bits(Wire.Read(SingleArgument.Instance, text)), Is.EqualTo(bits));

    [Test]
    public void TwistedFloatTestVector() =>
        Assert.That(Wire.WriteText(DoubleArgument.Instance, 1.234), Is.EqualTo("1.234"));

    [Test]
    public void NaNIsWrittenWithoutSign() =>
        Assert.That(Wire.WriteText(DoubleArgument.Instance, BitConverter.UInt64BitsToDouble(0xFFF8000000000001UL)), Is.EqualTo("nan"));

    [Test]
    public void RandomDoublesRoundTrip()
    {
        var random = new Random(12345);
        for (int i = 0; i < 10_000; i++)
        {
            double value = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            if (double.IsNaN(value))
            {
                continue;
            }

            byte[] bytes = Wire.Write(DoubleArgument.Instance, value);
            Assert.That(DoubleArgument.Instance.Read(bytes), Is.EqualTo(value), System.Text.Encoding.ASCII.GetString(bytes));
        }
    }
}
