using System.Text;
using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

public sealed class AmpDateTimeTests
{
    [TestCase("0001-01-01T00:00:00.000000+14:00")]
    [TestCase("9999-12-31T23:59:59.999999-12:00")]
    [TestCase("2000-01-01T00:00:00.000000+23:59")]
    [TestCase("2010-12-25T00:00:00.000000-00:00")]
    public void ValuesPythonCanHoldRoundTripExactly(string text)
    {
        AmpDateTime value = AmpDateTimeArgument.Instance.Read(Encoding.ASCII.GetBytes(text));
        Assert.That(value.ToString(), Is.EqualTo(text));
    }

    [TestCase("0001-01-01T00:00:00.000000+14:00")]
    [TestCase("2000-01-01T00:00:00.000000+23:59")]
    public void DateTimeOffsetRefusesWhatItCannotHoldWithAHint(string text)
    {
        var error = Assert.Throws<FormatException>(() => DateTimeArgument.Instance.Read(Encoding.ASCII.GetBytes(text)));
        Assert.That(error!.Message, Does.Contain("AmpDateTime"));
        Assert.That(AmpDateTimeArgument.Instance.Read(Encoding.ASCII.GetBytes(text)).FitsDateTimeOffset, Is.False);
    }

    [Test]
    public void OffsetsOfADayOrMoreAreRefused()
    {
        Assert.Throws<FormatException>(() => AmpDateTimeArgument.Instance.Read("2000-01-01T00:00:00.000000+24:00"u8));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AmpDateTime(DateTime.MinValue, 24 * 60));
    }

    [Test]
    public void ConvertsToAndFromDateTimeOffset()
    {
        var now = new DateTimeOffset(2024, 6, 30, 5, 6, 7, TimeSpan.FromMinutes(345)).AddTicks(12345);
        AmpDateTime value = now;
        Assert.That(value.ToDateTimeOffset(), Is.EqualTo(now.AddTicks(-5)), "kept to the microsecond");
        Assert.That(value.Offset, Is.EqualTo(now.Offset));
        Assert.Throws<OverflowException>(() => AmpDateTimeArgument.Instance.Read("0001-01-01T00:00:00.000000+14:00"u8).ToDateTimeOffset());
    }
}
