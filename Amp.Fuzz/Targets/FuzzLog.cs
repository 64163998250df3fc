using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Amp.Fuzz.Targets;

/// <summary>
/// Collects what the connection logs with an exception. The connection turns most failures into log
/// entries and error answers (a decoder's exception becomes <c>UNKNOWN</c>), so a bug there would pass
/// unseen: an exception of a kind that only a bug throws, anywhere in a logged exception's chain, is a finding.
/// </summary>
internal sealed class FuzzLog : ILoggerFactory, ILogger
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message, Exception Exception)> _exceptions = new();

    public void Check()
    {
        foreach ((EventId id, LogLevel level, string message, Exception exception) in _exceptions)
        {
            if (FindBug(exception) is { } bug)
            {
                throw new FuzzInvariantException($"the connection logged {bug.GetType().FullName} ({level} {id.Name}: {message})", exception);
            }
        }
    }

    /// <summary>The first exception in the chain that only a bug throws, or null.</summary>
    public static Exception? FindBug(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is NullReferenceException or IndexOutOfRangeException or ArgumentException or InvalidCastException
                or KeyNotFoundException or ArithmeticException or NotImplementedException or NotSupportedException
                or ObjectDisposedException)
            {
                return e;
            }

            if (e is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions)
                {
                    if (FindBug(inner) is { } bug)
                    {
                        return bug;
                    }
                }
            }
        }

        return null;
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (exception is not null)
        {
            _exceptions.Enqueue((eventId, logLevel, formatter(state, exception), exception));
        }
    }
}
