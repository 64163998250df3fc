using System.Text.RegularExpressions;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Tests.Model;

/// <summary>
/// One initiator/acceptor pair of the model test over an in-memory transport, both answering the
/// interop commands, StartTLS/StopTLS, StartMask/StopMask and the raw-echo protocol switch.
/// </summary>
internal sealed partial class ModelPair : IAsyncDisposable
{
    private readonly List<ModelOp> _switches = new();
    private ILoggerFactory? _loggers;

    private ModelPair(int index, string config, InMemoryTransport initiatorTransport, InMemoryTransport acceptorTransport, AmpConnection initiator, AmpConnection acceptor, RingLog log)
    {
        Index = index;
        Config = config;
        InitiatorTransport = initiatorTransport;
        AcceptorTransport = acceptorTransport;
        Initiator = initiator;
        Acceptor = acceptor;
        Log = log;
    }

    public int Index { get; }

    public string Config { get; }

    public InMemoryTransport InitiatorTransport { get; }

    public InMemoryTransport AcceptorTransport { get; }

    public AmpConnection Initiator { get; }

    public AmpConnection Acceptor { get; }

    public RingLog Log { get; }

    public bool SmallReads { get; private set; }

    /// <summary>
    /// Whether the responder limit is small: callbacks then go one way only. Both sides calling each other
    /// back with every responder slot waiting on the other side is a deadlock of the application's making
    /// (docs/limits-and-security.md), not something the library can resolve.
    /// </summary>
    public bool SmallIncomingLimit { get; private set; }

    public AmpConnection Side(bool initiator) => initiator ? Initiator : Acceptor;

    public static ModelPair Create(int index, Random rng, bool defaultIncomingLimit = false)
    {
        var transport = new InMemoryTransportOptions();
        string config;

        // The draws keep their order (SplitSeed before MaxBufferedBytes), so a seed replays the same pair.
        bool smallReads = false;
        switch (rng.Next(8))
        {
            case 0 or 1 or 2:
                config = "plain";
                break;
            case 3 or 4:
                transport = new InMemoryTransportOptions { SplitSeed = rng.Next() };
                config = $"split({transport.SplitSeed})";
                break;
            case 5:
                transport = new InMemoryTransportOptions { MaxBytesPerRead = rng.Next(4) == 0 ? 1 : rng.Next(2, 64) };
                smallReads = transport.MaxBytesPerRead < 16;
                config = $"max-read({transport.MaxBytesPerRead})";
                break;
            default:
                transport = new InMemoryTransportOptions { SplitSeed = rng.Next(), MaxBufferedBytes = rng.Next(2048, 32 * 1024) };
                config = $"split({transport.SplitSeed}) buffered({transport.MaxBufferedBytes})";
                break;
        }

        int maxIncoming = rng.Next(3) == 0 ? rng.Next(1, 4) : 256;
        maxIncoming = defaultIncomingLimit ? 256 : maxIncoming;
        config += $" max-incoming({maxIncoming})";
        var log = new RingLog(400);
        ILoggerFactory loggers = LoggerFactory.Create(builder => builder.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
        (InMemoryTransport initiatorTransport, InMemoryTransport acceptorTransport) = InMemoryTransport.CreatePair(transport);
        AmpConnection initiator = AmpConnection.Start(initiatorTransport, Options($"I{index}", maxIncoming, loggers));
        AmpConnection acceptor = AmpConnection.Start(acceptorTransport, Options($"A{index}", maxIncoming, loggers));
        return new ModelPair(index, config, initiatorTransport, acceptorTransport, initiator, acceptor, log) { SmallReads = smallReads, SmallIncomingLimit = maxIncoming < 256, _loggers = loggers };
    }

    public static TlsLayerOptions TlsOptions(bool initiator) =>
        initiator ? TestCertificates.ClientOptions() : TestCertificates.ServerOptions();

    /// <summary>Remembers a switch op whose stream must be closed when the pair ends.</summary>
    public void Track(ModelOp op)
    {
        lock (_switches)
        {
            _switches.Add(op);
        }
    }

    public bool HasEnded => !Initiator.IsConnected || !Acceptor.IsConnected;

    /// <summary>Waits until no layer change is queued or in flight on either side, or one side has ended.</summary>
    public async Task WaitUntilSettledAsync(CancellationToken cancellationToken)
    {
        while (!HasEnded && (Initiator.Protocol.State != BoxProtocolState.Open || Acceptor.Protocol.State != BoxProtocolState.Open))
        {
            await Task.Delay(1, cancellationToken);
        }
    }

    /// <summary>Invariant 2: the same layers, in the same order, with the TLS roles of the transport.</summary>
    public string? CompareStacks()
    {
        string[] initiator = [.. Initiator.GetLayers().Select(l => l.Name)];
        string[] acceptor = [.. Acceptor.GetLayers().Select(l => l.Name)];
        if (Initiator.LayerDepth != Acceptor.LayerDepth || !initiator.SequenceEqual(acceptor))
        {
            return $"the stacks differ: initiator [{string.Join(", ", initiator)}] (depth {Initiator.LayerDepth}), acceptor [{string.Join(", ", acceptor)}] (depth {Acceptor.LayerDepth})";
        }

        if (Initiator.GetTlsLayers().Any(l => !l.IsClient) || Acceptor.GetTlsLayers().Any(l => l.IsClient))
        {
            return "a TLS layer has the wrong role";
        }

        return null;
    }

    /// <summary>Invariant 4: no pending call or running responder is left (polled: continuations may still be on their way).</summary>
    public async Task<string?> CheckNoLeftoversAsync(bool responders, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            string? problem = Leftovers(Initiator, responders) ?? Leftovers(Acceptor, responders);
            if (problem is null || attempt >= 500)
            {
                return problem;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    public string Describe() => $"pair {Index} [{Config}]\n  {Initiator}\n  {Acceptor}";

    public async ValueTask DisposeAsync()
    {
        await Initiator.DisposeAsync();
        await Acceptor.DisposeAsync();
        ModelOp[] switches;
        lock (_switches)
        {
            switches = [.. _switches];
        }

        foreach (ModelOp op in switches)
        {
            if (op.Switched is { } switched)
            {
                await switched.DisposeAsync();
            }
        }

        _loggers?.Dispose();
    }

    private static string? Leftovers(AmpConnection connection, bool responders)
    {
        string text = connection.ToString();
        int pending = int.Parse(PendingCalls().Match(text).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int running = int.Parse(RunningResponders().Match(text).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return pending != 0 || (responders && running != 0) ? $"leftovers on {text}" : null;
    }

    private static AmpConnectionOptions Options(string name, int maxIncoming, ILoggerFactory loggers) => new()
    {
        Name = name,
        LoggerFactory = loggers,
        MaxConcurrentIncomingCalls = maxIncoming,
        Responders = new AmpResponders()
            .AddObject(new InteropResponders())
            .AddStartTls(connection => TlsOptions(connection.Transport.Role == AmpTransportRole.Initiator))
            .AddStopTls()
            .AddMask()
            .AddRawEchoSwitch(),
    };

    [GeneratedRegex(@"pending-calls=(\d+)")]
    private static partial Regex PendingCalls();

    [GeneratedRegex(@"running-responders=(\d+)")]
    private static partial Regex RunningResponders();
}

/// <summary>Keeps the last log entries of a pair (Debug and up), to show with a violation.</summary>
internal sealed class RingLog(int capacity) : ILoggerProvider
{
    private readonly Queue<string> _entries = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public string[] Snapshot()
    {
        lock (_entries)
        {
            return [.. _entries];
        }
    }

    public void Dispose()
    {
    }

    private void Add(string entry)
    {
        lock (_entries)
        {
            if (_entries.Count == capacity)
            {
                _entries.Dequeue();
            }

            _entries.Enqueue(entry);
        }
    }

    private sealed class Logger(RingLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception.GetType().Name + ": " + exception.Message)}");
    }
}
