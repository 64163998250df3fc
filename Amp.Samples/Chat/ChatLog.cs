using Microsoft.Extensions.Logging;

namespace Amp.Samples.Chat;

/// <summary>
/// Writes Amp.NET's warnings and errors into the chat server's log, one <c>* </c> line each, like its
/// own messages: for example a connection the listener refused at <c>--max-connections</c>.
/// </summary>
internal sealed class ChatLog(TextWriter log) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The chat log writes to the chat's output only.");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            log.WriteLine($"* {formatter(state, exception)}");
        }
    }

    public void Dispose()
    {
    }
}
