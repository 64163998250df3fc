using System.Buffers;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>DateTime</c> as a <see cref="DateTimeOffset"/>; the wire form is
/// <see cref="AmpDateTimeArgument"/>'s.
/// </summary>
/// <remarks>
/// .NET keeps offsets to the minute and allows at most ±14:00, and a <see cref="DateTimeOffset"/>'s
/// UTC time must fall within years 1 to 9999. A received value outside that (Python allows offsets up
/// to ±23:59, and <c>0001-01-01T00:00:00.000000+14:00</c>) is a <see cref="FormatException"/> here;
/// declare the property as <see cref="AmpDateTime"/> to accept every value.
/// </remarks>
public sealed class DateTimeArgument : AmpArgumentType<DateTimeOffset>
{
    /// <summary>The shared instance.</summary>
    public static readonly DateTimeArgument Instance = new();

    /// <inheritdoc/>
    public override void Write(DateTimeOffset value, IBufferWriter<byte> destination) =>
        AmpDateTimeArgument.Instance.Write(value, destination);

    /// <inheritdoc/>
    /// <exception cref="FormatException">The text is malformed, or the value does not fit a <see cref="DateTimeOffset"/>.</exception>
    public override DateTimeOffset Read(ReadOnlySpan<byte> source)
    {
        AmpDateTime value = AmpDateTimeArgument.Instance.Read(source);
        if (!value.FitsDateTimeOffset)
        {
            ThrowHelper.ThrowFormatMessage($"Date-time value {WireText.Describe(source)} has an offset or UTC time a DateTimeOffset cannot hold; use AmpDateTime.");
        }

        return value.ToDateTimeOffset();
    }
}
