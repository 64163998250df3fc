using Amp.Negotiation;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using Microsoft.Extensions.Logging;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.Negotiation;

/// <summary>The negotiation's logging policy: category Amp.Negotiation, nothing above Debug for a success, each failure logged once where it happened.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class NegotiationLoggingTests
{
    [Test]
    public async Task A_negotiation_that_succeeds_logs_its_phases_at_Debug_and_nothing_above(CancellationToken cancellationToken)
    {
        using var clientLog = new TestLoggerProvider();
        using var serverLog = new TestLoggerProvider();
        using ILoggerFactory clientLogs = clientLog.CreateFactory();
        using ILoggerFactory serverLogs = serverLog.CreateFactory();
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 1, Serving("calc", Node("server", connection: new AmpConnectionOptions { LoggerFactory = serverLogs }),
            options: new NegotiationServerOptions { LoggerFactory = serverLogs }));
        await using AmpNegotiationResult result = await Node("client", connection: new AmpConnectionOptions { LoggerFactory = clientLogs })
            .ConnectAsync(new NegotiationAddress("localhost", 1, "calc"), ClientTls(), network.DialAsync, cancellationToken);
        await (await network.NextAcceptedAsync("localhost", 1, cancellationToken));

        int[] expected = [AmpEventId.NegotiationStarted, AmpEventId.UpgradeAccepted, AmpEventId.HelloReceived, AmpEventId.NegotiationDecided];
        foreach (TestLoggerProvider log in (TestLoggerProvider[])[clientLog, serverLog])
        {
            LogEntry[] negotiation = [.. log.Entries.Where(e => e.Category == "Amp.Negotiation")];
            Assert.That(negotiation.Select(e => e.EventId.Id), Is.EqualTo(expected));
            Assert.That(log.Entries.Where(e => e.Level > LogLevel.Debug), Is.Empty);
            Assert.That(negotiation.Select(e => e.EventId.Name), Is.EqualTo(new[] { "NegotiationStarted", "UpgradeAccepted", "HelloReceived", "NegotiationDecided" }));
        }
    }

    [Test]
    public async Task An_ordinary_HTTP_client_is_logged_once_at_Debug_as_an_answer(CancellationToken cancellationToken)
    {
        using var log = new TestLoggerProvider();
        using ILoggerFactory logs = log.CreateFactory();
        var (theirs, ours) = InMemoryTransport.CreatePair();
        Task<AmpNegotiationResult> accepting = Serving("calc", Node("server"), options: new NegotiationServerOptions { LoggerFactory = logs }).AcceptAsync(ours, cancellationToken);
        await theirs.Output.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), cancellationToken);
        await theirs.Output.CompleteAsync();
        Assert.ThrowsAsync<AmpNegotiationException>(async () => await accepting);
        LogEntry answered = log.Entries.Single(e => e.EventId.Id == AmpEventId.HttpAnswered);
        Assert.That(answered.Level, Is.EqualTo(LogLevel.Debug));
        Assert.That(answered.Message, Does.Contain("426"));
        Assert.That(log.Entries.Where(e => e.Level > LogLevel.Debug), Is.Empty, "a port scanner or a browser is not worth more");
        await theirs.DisposeAsync();
    }

    [Test]
    public async Task A_refusal_is_logged_once_on_each_side_and_a_timeout_once_as_a_failure(CancellationToken cancellationToken)
    {
        using var clientLog = new TestLoggerProvider();
        using var serverLog = new TestLoggerProvider();
        using ILoggerFactory clientLogs = clientLog.CreateFactory();
        using ILoggerFactory serverLogs = serverLog.CreateFactory();
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 1, Serving("calc", Node("z-server", decide: _ => NegotiationVerdict.Refuse("no"), connection: new AmpConnectionOptions { LoggerFactory = serverLogs })));
        AmpNegotiator client = Node("a-client", connection: new AmpConnectionOptions { LoggerFactory = clientLogs });
        Assert.ThrowsAsync<AmpNegotiationException>(async () => await client.ConnectAsync(new NegotiationAddress("localhost", 1, "calc"), ClientTls(), network.DialAsync, cancellationToken));
        Assert.ThrowsAsync<AmpNegotiationException>(async () => await await network.NextAcceptedAsync("localhost", 1, cancellationToken));
        foreach (TestLoggerProvider log in (TestLoggerProvider[])[clientLog, serverLog])
        {
            Assert.That(log.Entries.Count(e => e.EventId.Id == AmpEventId.NegotiationRefused && e.Level == LogLevel.Information), Is.EqualTo(1));
            Assert.That(log.Entries.Where(e => e.EventId.Id == AmpEventId.NegotiationFailed), Is.Empty, "logged as a refusal, not again as a failure");
        }

        // A listener that never answers: the client's timeout is its one failure entry.
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var silent = new ScriptedPeer(theirs);
        AmpNegotiator impatient = Node("a-client", connection: new AmpConnectionOptions { LoggerFactory = clientLogs }, timeout: TimeSpan.FromMilliseconds(300));
        Assert.ThrowsAsync<AmpNegotiationException>(async () => await impatient.ConnectAsync(ours, new NegotiationAddress("localhost", 2, "calc"), ClientTls(), cancellationToken));
        LogEntry failed = clientLog.Entries.Single(e => e.EventId.Id == AmpEventId.NegotiationFailed);
        Assert.That(failed.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(failed.Message, Does.Contain("TimedOut"));
    }
}
