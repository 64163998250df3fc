namespace Amp.Tests.TestUtilities;

/// <summary>
/// Waits for a condition that work finishing in the background makes true (a counter going back to
/// zero), checking it every few milliseconds. No time limit of its own: the test's CancelAfter bounds it.
/// </summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(5, cancellationToken);
        }
    }
}
