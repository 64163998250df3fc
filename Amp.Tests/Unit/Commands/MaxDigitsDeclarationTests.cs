using System.Buffers;
using System.Globalization;
using System.Numerics;
using Amp.Boxes;
using Amp.Descriptors;

namespace Amp.Tests.Unit.Commands;

#pragma warning disable CA1812 // Types used only through reflection.
// Deliberately invalid declarations: these tests check the reflection fallback's AmpDefinitionException, so the
// analyzer's compile-time errors for them are off here (Generators/DiagnosticTests checks the same mistakes at compile time).
#pragma warning disable AMP021, AMP022

[AmpCommand("Digits")]
public sealed class DigitsCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("wide", MaxDigits = 5000)] public AmpDecimal? Wide { get; set; }
    [AmpArgument("plain")] public AmpDecimal? Plain { get; set; }
    [AmpArgument("int", MaxDigits = 10)] public BigInteger? Int { get; set; }
    [AmpArgument("money", MaxDigits = 3)] public decimal? Money { get; set; }
    [AmpArgument("list", MaxDigits = 2)] public List<AmpDecimal>? List { get; set; }
}

public sealed class MaxDigitsOnInt32Command : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("n", MaxDigits = 5)] public int N { get; set; }
}

public sealed class MaxDigitsOnStringListCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("texts", MaxDigits = 5)] public List<string> Texts { get; set; } = [];
}

public sealed class MaxDigitsRecord
{
    [AmpArgument("d")] public AmpDecimal D { get; set; }
}

public sealed class MaxDigitsOnAmpListCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("items", MaxDigits = 5)] public List<MaxDigitsRecord> Items { get; set; } = [];
}

public sealed class MaxDigitsWithTypeCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("d", MaxDigits = 5, Type = typeof(Amp.Arguments.DecimalArgument))] public AmpDecimal D { get; set; }
}

public sealed class NegativeMaxDigitsCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("d", MaxDigits = -1)] public AmpDecimal D { get; set; }
}

/// <summary><see cref="AmpArgumentAttribute.MaxDigits"/>: per-property digit limits, checked at registration.</summary>
public sealed class MaxDigitsDeclarationTests
{
    private static string Digits(int count) => string.Concat(Enumerable.Range(0, count).Select(i => (char)('1' + (i % 9))));

    private static DigitsCommand Read(string key, string value)
    {
        var writer = new ArrayBufferWriter<byte>();
        BoxWriter.Write(new AmpBox().SetString(key, value), writer);
        return CommandDescriptor<DigitsCommand, AmpEmptyResponse>.Instance.ReadArguments(writer.WrittenSpan);
    }

    [Test]
    public void EachPropertyReadsUpToItsOwnLimit()
    {
        Assert.That(Read("wide", Digits(5000)).Wide!.Value.Coefficient.ToString(CultureInfo.InvariantCulture), Is.EqualTo(Digits(5000)));
        Assert.That(Read("plain", Digits(4300)).Plain!.Value.Coefficient.ToString(CultureInfo.InvariantCulture), Is.EqualTo(Digits(4300)));
        Assert.That(Read("int", "-1234567890").Int, Is.EqualTo(new BigInteger(-1234567890)));
        Assert.That(Read("money", "1.23").Money, Is.EqualTo(1.23m));
        Assert.That(Read("list", "\u0000\u00021.\u0000\u0002-7").List!.Select(d => d.ToString()), Is.EqualTo(new[] { "1", "-7" }));
    }

    [TestCase("wide", 5001)]
    [TestCase("plain", 4301)]
    [TestCase("int", 11)]
    [TestCase("money", 4)]
    public void OneDigitMoreIsAMalformedArgumentNamingTheField(string key, int digits)
    {
        var error = Assert.Throws<AmpArgumentException>(() => Read(key, Digits(digits)));
        Assert.That(error!.FieldName, Is.EqualTo(key));
        Assert.That(error.InnerException, Is.TypeOf<FormatException>());
        Assert.That(error.Message, Does.Contain("digits"));
    }

    [Test]
    public void ListElementsHaveTheLimit() =>
        Assert.That(() => Read("list", "\u0000\u0003123"), Throws.TypeOf<AmpArgumentException>().With.Property(nameof(AmpArgumentException.FieldName)).EqualTo("list"));

    [Test]
    public void WritingMoreDigitsThanThePropertyAllowsFailsBeforeTheBoxIsComplete()
    {
        var descriptor = CommandDescriptor<DigitsCommand, AmpEmptyResponse>.Instance;
        var wide = new DigitsCommand { Wide = AmpDecimal.Parse(Digits(5000)) };
        descriptor.WriteCall(wide, AmpTag.FromNumber(1), new BoxBuffer());

        var error = Assert.Throws<AmpArgumentException>(() => descriptor.WriteCall(new DigitsCommand { Plain = AmpDecimal.Parse(Digits(4301)) }, AmpTag.FromNumber(2), new BoxBuffer()));
        Assert.That(error!.FieldName, Is.EqualTo("plain"));
        Assert.That(error.InnerException, Is.TypeOf<ArgumentException>());
        Assert.That(() => descriptor.WriteCall(new DigitsCommand { Int = BigInteger.Pow(10, 10) }, AmpTag.FromNumber(3), new BoxBuffer()), Throws.TypeOf<AmpArgumentException>());
    }

    [TestCase(typeof(MaxDigitsOnInt32Command), "N", "System.Int32")]
    [TestCase(typeof(MaxDigitsOnStringListCommand), "Texts", "System.String")]
    [TestCase(typeof(MaxDigitsOnAmpListCommand), "Items", nameof(MaxDigitsRecord))]
    [TestCase(typeof(MaxDigitsWithTypeCommand), "D", "Type")]
    [TestCase(typeof(NegativeMaxDigitsCommand), "D", "-1")]
    public void MaxDigitsWhereItDoesNotApplyFailsAtRegistration(Type command, string member, string messagePart)
    {
        var error = Assert.Throws<AmpDefinitionException>(() => CommandDescriptor.For(command));
        Assert.That(error!.DeclaringType, Is.EqualTo(command));
        Assert.That(error.MemberName, Is.EqualTo(member));
        Assert.That(error.Message, Does.Contain("MaxDigits").And.Contain(messagePart));
    }
}
