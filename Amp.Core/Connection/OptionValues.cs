namespace Amp;

/// <summary>Checks shared by the option classes.</summary>
internal static class OptionValues
{
    /// <summary>Returns <paramref name="value"/> if it is positive or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Otherwise.</exception>
    public static TimeSpan PositiveOrInfinite(TimeSpan value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
        }

        return value;
    }
}
