using System.Collections.Concurrent;

namespace Amp.Tests.TestUtilities;

/// <summary>
/// Collects the task exceptions nobody observed while it is in use. Garbage left by earlier tests is
/// finalized when it is created, so only what the test itself left counts; <see cref="Collect"/>
/// finalizes the test's own garbage before it reports.
/// </summary>
internal sealed class UnobservedExceptions : IDisposable
{
    private readonly ConcurrentQueue<Exception> _seen = new();

    public UnobservedExceptions()
    {
        CollectGarbage();
        TaskScheduler.UnobservedTaskException += Record;
    }

    /// <summary>Finalizes what is unreachable now and returns every unobserved exception seen so far.</summary>
    public IReadOnlyList<Exception> Collect()
    {
        CollectGarbage();
        return _seen.ToArray();
    }

    public void Dispose() => TaskScheduler.UnobservedTaskException -= Record;

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private void Record(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        _seen.Enqueue(e.Exception);
        e.SetObserved();
    }
}
