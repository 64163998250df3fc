using System.Buffers;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>DateTime</c> as an <see cref="AmpDateTime"/>, which holds every value a Python peer can
/// send: exactly 32 ASCII characters, <c>YYYY-MM-DDTHH:MM:SS.ffffff±HH:MM</c>.
/// </summary>
/// <remarks>
/// <para>
/// Writing keeps microseconds and writes the offset sign as Twisted does: <c>+</c> only for a
/// positive offset, so UTC is <c>-00:00</c>.
/// </para>
/// <para>
/// Reading follows Twisted's lax parser: each field is the Python <c>int()</c> of a fixed slice
/// (so a slice may hold whitespace, a sign or an underscore), the separator characters are not
/// checked, and only the offset sign (character 26) must be <c>+</c> or <c>-</c>. Dates and times
/// are range-checked as Python's <c>datetime</c> does. The offset is <c>HH * 60 + MM</c> minutes
/// (Twisted reads <c>+01:99</c> as +02:39); an offset of 24 hours or more, which Python parses but
/// cannot use, is a <see cref="FormatException"/>.
/// </para>
/// </remarks>
public sealed class AmpDateTimeArgument : AmpArgumentType<AmpDateTime>
{
    /// <summary>The shared instance.</summary>
    public static readonly AmpDateTimeArgument Instance = new();

    private const int Length = 32;

    /// <inheritdoc/>
    public override void Write(AmpDateTime value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> s = destination.GetSpan(Length)[..Length];
        DateTime clock = value.Clock;
        int offsetMinutes = value.OffsetMinutes;
        int absoluteOffset = Math.Abs(offsetMinutes);

        WriteDigits(s[0..4], clock.Year);
        s[4] = (byte)'-';
        WriteDigits(s[5..7], clock.Month);
        s[7] = (byte)'-';
        WriteDigits(s[8..10], clock.Day);
        s[10] = (byte)'T';
        WriteDigits(s[11..13], clock.Hour);
        s[13] = (byte)':';
        WriteDigits(s[14..16], clock.Minute);
        s[16] = (byte)':';
        WriteDigits(s[17..19], clock.Second);
        s[19] = (byte)'.';
        WriteDigits(s[20..26], (int)(clock.Ticks % TimeSpan.TicksPerSecond / 10));
        s[26] = offsetMinutes > 0 ? (byte)'+' : (byte)'-';
        WriteDigits(s[27..29], absoluteOffset / 60);
        s[29] = (byte)':';
        WriteDigits(s[30..32], absoluteOffset % 60);
        destination.Advance(Length);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The text is not 32 ASCII characters, a field is not an integer or is out of range, or the offset sign is not <c>+</c> or <c>-</c>.</exception>
    public override AmpDateTime Read(ReadOnlySpan<byte> source)
    {
        if (source.Length != Length || !System.Text.Ascii.IsValid(source))
        {
            ThrowHelper.ThrowFormat("date-time", source);
        }

        int year = Field(source, 0, 4);
        int month = Field(source, 5, 7);
        int day = Field(source, 8, 10);
        int hour = Field(source, 11, 13);
        int minute = Field(source, 14, 16);
        int second = Field(source, 17, 19);
        int microsecond = Field(source, 20, 26);
        int offsetHours = Field(source, 27, 29);
        int offsetMinutes = Field(source, 30, 32);
        byte sign = source[26];
        if (sign != (byte)'+' && sign != (byte)'-')
        {
            ThrowHelper.ThrowFormatMessage($"Invalid sign for time zone in date-time value {WireText.Describe(source)}.");
        }

        if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59 || microsecond > 999_999
            || hour < 0 || minute < 0 || second < 0 || microsecond < 0)
        {
            ThrowHelper.ThrowFormatMessage($"Date-time value {WireText.Describe(source)} is out of range.");
        }

        int offset = (offsetHours * 60) + offsetMinutes;
        if (sign == (byte)'-')
        {
            offset = -offset;
        }

        if (Math.Abs(offset) > AmpDateTime.MaxOffsetMinutes)
        {
            ThrowHelper.ThrowFormatMessage($"Date-time value {WireText.Describe(source)} has an offset of 24 hours or more, which Python cannot use either.");
        }

        long ticks = new DateTime(year, month, day, hour, minute, second).Ticks + (microsecond * 10L);
        return new AmpDateTime(new DateTime(ticks), offset);
    }

    private static int Field(ReadOnlySpan<byte> source, int start, int end)
    {
        ReadOnlySpan<byte> slice = source[start..end];
        if (!WireText.TrySplitInteger(slice, out bool negative, out ReadOnlySpan<byte> digits, out _))
        {
            ThrowHelper.ThrowFormat("date-time", source);
        }

        // At most six digits, so this cannot overflow.
        WireText.TryAccumulate(digits, out ulong magnitude);
        return negative ? -(int)magnitude : (int)magnitude;
    }

    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
