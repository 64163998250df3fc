using Microsoft.Extensions.Logging;

namespace Amp.Tests.Closing;

/// <summary>A logger factory whose <see cref="Logged"/> completes when an event with the id is logged: a test acts right after a step, without waiting on time.</summary>
internal sealed class LoggedEventSignal(int id) : ILoggerFactory, ILogger
{
    private readonly TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Logged => _logged.Task;

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
        if (eventId.Id == id)
        {
            _logged.TrySetResult();
        }
    }
}
