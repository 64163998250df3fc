using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Amp.Tests.Hosting;

/// <summary>A log provider whose <see cref="Logged"/> completes when an event with the id is first logged: tests wait on it, never on time.</summary>
internal sealed class LogSignals : ILoggerProvider, ILogger
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _logged = new();

    public Task Logged(int eventId) => Slot(eventId).Task;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Slot(eventId.Id).TrySetResult();

    public void Dispose()
    {
    }

    private TaskCompletionSource Slot(int eventId) =>
        _logged.GetOrAdd(eventId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
