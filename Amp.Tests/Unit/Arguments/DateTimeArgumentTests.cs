using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

// Vectors: Twisted 22.4 amp.DateTime().fromString / toString run under Python 3.11.
public sealed class DateTimeArgumentTests
{
    [TestCase(2010, 12, 25, 0, 0, 0, 0, 0, "2010-12-25T00:00:00.000000-00:00")]
    [TestCase(9876, 1, 23, 12, 34, 56, 54321, -83, "9876-01-23T12:34:56.054321-01:23")]
    [TestCase(2010, 12, 25, 0, 0, 0, 0, 210, "2010-12-25T00:00:00.000000+03:30")]
    [TestCase(2010, 12, 25, 0, 0, 0, 0, -300, "2010-12-25T00:00:00.000000-05:00")]
    [TestCase(1, 1, 1, 0, 0, 0, 0, 0, "0001-01-01T00:00:00.000000-00:00")]
    [TestCase(9999, 12, 31, 23, 59, 59, 999999, 840, "9999-12-31T23:59:59.999999+14:00")]
    [TestCase(2010, 12, 25, 0, 0, 0, 7, 840, "2010-12-25T00:00:00.000007+14:00")]
    [TestCase(2010, 12, 25, 0, 0, 0, 0, 199, "2010-12-25T00:00:00.000000+03:19")]
    [TestCase(2010, 12, 25, 0, 0, 0, 0, -419, "2010-12-25T00:00:00.000000-06:59")]
    public void WritesTwistedsFixedFormat(int year, int month, int day, int hour, int minute, int second, int microsecond, int offsetMinutes, string expected)
    {
        var value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes)).AddTicks(microsecond * 10L);
        Assert.That(Wire.WriteText(DateTimeArgument.Instance, value), Is.EqualTo(expected));
    }

    [TestCase("9876-01-23T12:34:56.054321-01:23", 9876, 1, 23, 12, 34, 56, 54321, -83)]
    [TestCase("2010-12-25T00:00:00.000000-00:00", 2010, 12, 25, 0, 0, 0, 0, 0)]
    [TestCase("2010-12-25T00:00:00.000000+00:00", 2010, 12, 25, 0, 0, 0, 0, 0)]
    [TestCase("2010-12-25T00:00:00.000000+03:30", 2010, 12, 25, 0, 0, 0, 0, 210)]
    [TestCase("2010x12x25 00:00:00x000000+01:00", 2010, 12, 25, 0, 0, 0, 0, 60)]
    [TestCase(" 201-12-25T00:00:00.000000+01:00", 201, 12, 25, 0, 0, 0, 0, 60)]
    [TestCase("+201-12-25T00:00:00.000000+01:00", 201, 12, 25, 0, 0, 0, 0, 60)]
    [TestCase("2_10-12-25T00:00:00.000000+01:00", 210, 12, 25, 0, 0, 0, 0, 60)]
    [TestCase("2010-12-25T00:00:00.000000+01:99", 2010, 12, 25, 0, 0, 0, 0, 159)]
    [TestCase("2010-12-25T00:00:00.000000+-1:00", 2010, 12, 25, 0, 0, 0, 0, -60)]
    [TestCase("2010-12-25T00:00:00.00000 +01:00", 2010, 12, 25, 0, 0, 0, 0, 60)]
    [TestCase("2012-02-29T23:59:59.999999-14:00", 2012, 2, 29, 23, 59, 59, 999999, -840)]
    [TestCase("0001-01-01T00:00:00.000000-00:00", 1, 1, 1, 0, 0, 0, 0, 0)]
    [TestCase("9999-12-31T23:59:59.999999+00:00", 9999, 12, 31, 23, 59, 59, 999999, 0)]
    [TestCase("2010- 1-+5T 1:0 :+0.1_2_3 -00:00", 2010, 1, 5, 1, 0, 0, 123, 0)]
    [TestCase("2010-12-25T00:00:00.000000+14:00", 2010, 12, 25, 0, 0, 0, 0, 840)]
    public void ReadsWhatTwistedAccepts(string text, int year, int month, int day, int hour, int minute, int second, int microsecond, int offsetMinutes)
    {
        DateTimeOffset value = Wire.Read(DateTimeArgument.Instance, text);
        var expected = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes)).AddTicks(microsecond * 10L);
        Assert.That(value, Is.EqualTo(expected));
        Assert.That(value.Offset, Is.EqualTo(expected.Offset));
        Assert.That(value.DateTime, Is.EqualTo(expected.DateTime));
    }

    [TestCase("abc")]
    [TestCase("2010-12-25T00:00:00.000000Z01:00")]
    [TestCase("2010-12-25T00:00:00.000000 01:00")]
    [TestCase("2010-12-25T00:00:00Z")]
    [TestCase("2010-12-25T00:00:00.000000+0100")]
    [TestCase("2010-12-25T00:00:00.000000+01:000")]
    [TestCase("2010-12-25T00:00:00.-00001+01:00")]
    [TestCase("2010-02-29T00:00:00.000000+01:00")]
    [TestCase("2010-12-25T24:00:00.000000+01:00")]
    [TestCase("2010-12-25T00:60:00.000000+01:00")]
    [TestCase("2010-12-25T00:00:60.000000+01:00")]
    [TestCase("0000-12-25T00:00:00.000000+01:00")]
    [TestCase("2010-13-25T00:00:00.000000+01:00")]
    [TestCase("2010-00-25T00:00:00.000000+01:00")]
    [TestCase("2010-12-00T00:00:00.000000+01:00")]
    [TestCase("2010-12-25T-1:00:00.000000+01:00")]
    [TestCase("2010-12-25T00:00:00.00000a+01:00")]
    [TestCase("2010-12-25T00:00:00.000000+0a:00")]
    [TestCase("\u001C201-12-25T00:00:00.000000+01:00")]
    [TestCase("2010-12-25T00:00:00.000000?00:00")]
    public void RejectsWhatTwistedRejects(string text) =>
        Assert.That(() => Wire.Read(DateTimeArgument.Instance, text), Throws.TypeOf<FormatException>());

    // Python builds these (its offsets reach ±24h and aware datetimes near year 1 or 9999 are fine until converted);
    // DateTimeOffset allows ±14:00 and needs a UTC time within years 1 to 9999.
    [TestCase("2010-12-25T00:00:00.000000+14:01")]
    [TestCase("2010-12-25T00:00:00.000000-24:00")]
    [TestCase("2010-12-25T00:00:00.000000+99:00")]
    [TestCase("0001-01-01T00:00:00.000000+01:00")]
    [TestCase("9999-12-31T23:59:59.999999-00:01")]
    public void RejectsWhatDateTimeOffsetCannotHold(string text) =>
        Assert.That(() => Wire.Read(DateTimeArgument.Instance, text), Throws.TypeOf<FormatException>());

    [Test]
    public void RejectsNonAsciiEvenInAnUncheckedSeparator()
    {
        byte[] bytes = System.Text.Encoding.Latin1.GetBytes("2010-12-25T00:00:00\u00B7000000+01:00");
        Assert.That(bytes, Has.Length.EqualTo(32));
        Assert.That(() => DateTimeArgument.Instance.Read(bytes), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void UtcIsWrittenWithMinusSign() =>
        Assert.That(Wire.WriteText(DateTimeArgument.Instance, new DateTimeOffset(2010, 12, 25, 0, 0, 0, TimeSpan.Zero)), Is.EqualTo("2010-12-25T00:00:00.000000-00:00"));

    [Test]
    public void SubMicrosecondTicksAreTruncated()
    {
        var value = new DateTimeOffset(2010, 12, 25, 0, 0, 0, TimeSpan.Zero).AddTicks(9_999_999);
        Assert.That(Wire.WriteText(DateTimeArgument.Instance, value), Is.EqualTo("2010-12-25T00:00:00.999999-00:00"));
    }

    [Test]
    public void RoundTripsAtMicrosecondPrecision()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            long ticks = random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
            var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, (14 * 60) + 1));
            var value = new DateTimeOffset(ticks - (ticks % 10), offset);
            byte[] bytes = Wire.Write(DateTimeArgument.Instance, value);
            Assert.That(bytes, Has.Length.EqualTo(32));
            DateTimeOffset read = DateTimeArgument.Instance.Read(bytes);
            Assert.That(read.DateTime, Is.EqualTo(value.DateTime));
            Assert.That(read.Offset, Is.EqualTo(value.Offset));
        }
    }
}
