namespace Amp;

/// <summary>
/// A date and time with a UTC offset, as Twisted's <c>DateTime</c> argument carries it: a wall-clock
/// time from year 1 to 9999 with microseconds, and an offset in whole minutes of up to ±23:59.
/// Unlike <see cref="DateTimeOffset"/> it can hold every value a Python peer can send, including
/// those whose UTC time falls outside years 1 to 9999 (<c>0001-01-01T00:00:00+14:00</c>).
/// </summary>
/// <remarks>Equality is structural: the same wall-clock time and the same offset.</remarks>
public readonly struct AmpDateTime : IEquatable<AmpDateTime>
{
    /// <summary>The largest offset Python allows, in minutes (23:59).</summary>
    public const int MaxOffsetMinutes = (24 * 60) - 1;

    /// <summary>Creates a value.</summary>
    /// <param name="clock">The wall-clock time; its kind is ignored and sub-microsecond ticks are dropped.</param>
    /// <param name="offsetMinutes">The offset from UTC in minutes, -1439 to 1439.</param>
    /// <exception cref="ArgumentOutOfRangeException">The offset is out of range.</exception>
    public AmpDateTime(DateTime clock, int offsetMinutes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Math.Abs(offsetMinutes), MaxOffsetMinutes, nameof(offsetMinutes));
        Clock = DateTime.SpecifyKind(new DateTime(clock.Ticks - (clock.Ticks % 10)), DateTimeKind.Unspecified);
        OffsetMinutes = offsetMinutes;
    }

    /// <summary>The wall-clock time at <see cref="Offset"/>.</summary>
    public DateTime Clock { get; }

    /// <summary>The offset from UTC in minutes.</summary>
    public int OffsetMinutes { get; }

    /// <summary>The offset from UTC.</summary>
    public TimeSpan Offset => TimeSpan.FromMinutes(OffsetMinutes);

    /// <summary>Whether the value fits a <see cref="DateTimeOffset"/> (offset within ±14:00, UTC time within years 1 to 9999).</summary>
    public bool FitsDateTimeOffset
    {
        get
        {
            long utc = Clock.Ticks - (OffsetMinutes * TimeSpan.TicksPerMinute);
            return Math.Abs(OffsetMinutes) <= 14 * 60 && utc >= 0 && utc <= DateTime.MaxValue.Ticks;
        }
    }

    /// <summary>Converts a <see cref="DateTimeOffset"/> (to the microsecond).</summary>
    /// <param name="value">The value.</param>
    public static implicit operator AmpDateTime(DateTimeOffset value) =>
        new(value.DateTime, (int)(value.Offset.Ticks / TimeSpan.TicksPerMinute));

    /// <summary>Converts to a <see cref="DateTimeOffset"/>.</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="OverflowException">The value does not fit (see <see cref="FitsDateTimeOffset"/>).</exception>
    public static explicit operator DateTimeOffset(AmpDateTime value) => value.ToDateTimeOffset();

    /// <summary>Compares two values structurally.</summary>
    /// <param name="left">A value.</param>
    /// <param name="right">Another value.</param>
    /// <returns>Whether they are the same.</returns>
    public static bool operator ==(AmpDateTime left, AmpDateTime right) => left.Equals(right);

    /// <summary>Compares two values structurally.</summary>
    /// <param name="left">A value.</param>
    /// <param name="right">Another value.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(AmpDateTime left, AmpDateTime right) => !left.Equals(right);

    /// <summary>Converts from a <see cref="DateTimeOffset"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The same time and offset.</returns>
    public static AmpDateTime FromDateTimeOffset(DateTimeOffset value) => value;

    /// <summary>Converts to a <see cref="DateTimeOffset"/>.</summary>
    /// <returns>The same time and offset.</returns>
    /// <exception cref="OverflowException">The value does not fit (see <see cref="FitsDateTimeOffset"/>).</exception>
    public DateTimeOffset ToDateTimeOffset() =>
        FitsDateTimeOffset
            ? new DateTimeOffset(Clock, Offset)
            : throw new OverflowException($"{this} cannot be held by a DateTimeOffset (offset beyond ±14:00 or UTC time outside years 1 to 9999).");

    /// <inheritdoc/>
    public bool Equals(AmpDateTime other) => Clock == other.Clock && OffsetMinutes == other.OffsetMinutes;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AmpDateTime other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Clock, OffsetMinutes);

    /// <summary>Twisted's wire text, such as <c>2010-12-25T00:00:00.000000-00:00</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>(32);
        Arguments.AmpDateTimeArgument.Instance.Write(this, writer);
        return System.Text.Encoding.ASCII.GetString(writer.WrittenSpan);
    }
}
