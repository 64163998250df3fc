using Microsoft.Extensions.Logging;

namespace Amp.Tests.KeepAlive;

/// <summary>
/// Counts the keepalive's log events of one side (category <c>Amp.Connection</c>) and lets a test wait for
/// a count: "pings flow" is asserted on these events, never on elapsed time.
/// </summary>
internal sealed class KeepAliveEvents : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, int> _counts = new();
    private readonly List<(int EventId, int Count, TaskCompletionSource Reached)> _waiters = new();
    private readonly List<string> _messages = new();
    private readonly Dictionary<int, LogLevel> _levels = new();

    public ILoggerFactory Factory => field ??= LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public int PingsSent => Count(AmpEventId.KeepAlivePingSent);

    public int PingsAnswered => Count(AmpEventId.KeepAlivePingAnswered);

    /// <summary>Every message logged, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_lock)
            {
                return string.Join(Environment.NewLine, _messages);
            }
        }
    }

    /// <summary>The level <paramref name="eventId"/> was last logged at, or <see cref="LogLevel.None"/>.</summary>
    public LogLevel Level(int eventId)
    {
        lock (_lock)
        {
            return _levels.GetValueOrDefault(eventId, LogLevel.None);
        }
    }

    public int Count(int eventId)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(eventId);
        }
    }

    /// <summary>Completes once <paramref name="eventId"/> has been logged <paramref name="count"/> times.</summary>
    public Task WaitForAsync(int eventId, int count, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_counts.GetValueOrDefault(eventId) >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((eventId, count, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName == "Amp.Connection");

    public void Dispose()
    {
    }

    private void Add(int eventId, LogLevel level, string message)
    {
        lock (_lock)
        {
            _levels[eventId] = level;
            int count = _counts[eventId] = _counts.GetValueOrDefault(eventId) + 1;
            _messages.Add($"{eventId}: {message}");
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].EventId == eventId && count >= _waiters[i].Count)
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class Logger(KeepAliveEvents events, bool enabled) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => enabled;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Add(eventId.Id, logLevel, formatter(state, exception));
    }
}
