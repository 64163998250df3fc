using Microsoft.Extensions.Logging;

namespace Amp.Tests.TestUtilities;

/// <summary>
/// A logger factory that completes a signal when the connection logs (at Trace) the receipt of a box
/// naming <c>command</c>: a test can act right after a box was read, without waiting on time.
/// </summary>
internal sealed class ReceivedBoxSignal(string command, TaskCompletionSource signal) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel == LogLevel.Trace && formatter(state, exception).Contains(command, StringComparison.Ordinal))
        {
            signal.TrySetResult();
        }
    }
}
