using System.Reflection;
using System.Text;
using Amp.Logging;
using Amp.Tests.Interop;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Tests.Unit.Logging;

/// <summary>The logging policy: ranged unique ids, per-layer categories, and the level of each kind of event.</summary>
[CancelAfter(10000)]
public sealed class LoggingTests
{
    // The documented range of each area, by the nested class of Log that logs it and its category.
    private static readonly (string Area, string Category, int First, int Last)[] s_areas =
    [
        ("Connection", "Amp.Connection", 1000, 1099),
        ("Wire", "Amp.Wire", 1100, 1199),
        ("Dispatch", "Amp.Dispatch", 1200, 1299),
        ("Tls", "Amp.Tls", 1300, 1399),
        ("Switch", "Amp.Switch", 1400, 1499),
        ("Streams", "Amp.Streams", 1500, 1599),
        ("KeepAlive", "Amp.Connection", 1600, 1609),
        ("Closing", "Amp.Connection", 1610, 1619),
        ("Hosting", "Amp.Hosting", 1800, 1899),
        ("Negotiation", "Amp.Negotiation", 1700, 1799),
        ("AspNetCore", "Amp.AspNetCore", 1900, 1999),
    ];

    private static IEnumerable<FieldInfo> EventIdConstants() =>
        typeof(AmpEventId).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(int));

    // The Log classes whose areas have their ranges here: Amp.Core's, Amp.Hosting's, Amp.Negotiation's and Amp.AspNetCore's.
    private static readonly Type[] s_logClasses =
        [typeof(Log), typeof(Amp.Hosting.Logging.Log), typeof(Amp.Negotiation.Logging.Log), typeof(Amp.AspNetCore.Logging.Log)];

    private static IEnumerable<(Type Area, MethodInfo Method, LoggerMessageAttribute Attribute)> LoggerMessages() =>
        s_logClasses.SelectMany(log => log.Assembly.GetTypes().Where(t => t.DeclaringType == log))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Select(m => (Area: t, Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()!))
                .Where(x => x.Attribute is not null));

    [Test]
    public void EveryEventIdIsUniqueAndInsideTheDocumentedRanges()
    {
        FieldInfo[] constants = [.. EventIdConstants()];
        Assert.That(constants, Is.Not.Empty);
        int[] ids = [.. constants.Select(f => (int)f.GetRawConstantValue()!)];
        Assert.That(ids, Is.Unique, "two AmpEventId constants share an id");
        foreach (FieldInfo constant in constants)
        {
            int id = (int)constant.GetRawConstantValue()!;
            Assert.That(s_areas.Any(a => id >= a.First && id <= a.Last), Is.True, $"{constant.Name} = {id} is outside every documented range");
        }
    }

    [Test]
    public void EveryLoggerMessageUsesItsAreasRangeAndItsOwnNamedConstant()
    {
        var constants = EventIdConstants().ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);
        var messages = LoggerMessages().ToList();
        Assert.That(messages, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var (area, method, attribute) in messages)
            {
                var range = s_areas.Single(a => a.Area == area.Name);
                string name = $"Log.{area.Name}.{method.Name}";
                Assert.That(attribute.EventId, Is.InRange(range.First, range.Last), $"{name} is outside the {area.Name} range");
                Assert.That(attribute.EventName, Is.EqualTo(method.Name), $"{name} EventName");
                Assert.That(constants.TryGetValue(method.Name, out int id) ? id : -1, Is.EqualTo(attribute.EventId), $"{name} must use AmpEventId.{method.Name}");
            }

            Assert.That(messages.Select(m => m.Attribute.EventId), Is.Unique, "two log messages share an event id");

            // Every id defined for Amp.Core's own areas, Amp.Negotiation's, Amp.Hosting's and Amp.AspNetCore's is logged somewhere.
            foreach (var (name, id) in constants.Where(c => c.Value < 1300 || c.Value is >= 1700 and <= 1999))
            {
                Assert.That(messages.Count(m => m.Attribute.EventId == id), Is.EqualTo(1), $"AmpEventId.{name} is logged by no message, or by several");
            }
        });
    }

    [Test]
    public async Task AnOrdinaryCloseByThePeerLogsNothingAboveDebugOnEitherSide(CancellationToken cancellationToken)
    {
        using var clientLog = new TestLoggerProvider();
        using var serverLog = new TestLoggerProvider();
        using ILoggerFactory clientFactory = clientLog.CreateFactory();
        using ILoggerFactory serverFactory = serverLog.CreateFactory();
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var client = AmpConnection.Start(initiator, new AmpConnectionOptions { LoggerFactory = clientFactory, Name = "client" });
        await using var server = AmpConnection.Start(acceptor, new AmpConnectionOptions { LoggerFactory = serverFactory, Responders = InteropResponders.Create(), Name = "server" });

        await client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        await client.SendAsync(new Notify { Message = "hi" }, cancellationToken);
        await client.CallRemoteAsync(new GetNotifications(), cancellationToken);
        await server.CloseAsync();
        AmpConnectionLostException lost = await client.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));

        Assert.Multiple(() =>
        {
            Assert.That(clientLog.Entries.Where(e => e.Level > LogLevel.Debug), Is.Empty, "client");
            Assert.That(serverLog.Entries.Where(e => e.Level > LogLevel.Debug), Is.Empty, "server");
            Assert.That(clientLog.Entries.Count(e => e.EventId.Id == AmpEventId.ConnectionClosed), Is.EqualTo(1));
            Assert.That(serverLog.Entries.Count(e => e.EventId.Id == AmpEventId.ConnectionClosed), Is.EqualTo(1));
            Assert.That(clientLog.Entries.Single(e => e.EventId.Id == AmpEventId.ConnectionClosed).Message, Does.Contain("RemoteClosed"));
            Assert.That(serverLog.Entries.Single(e => e.EventId.Id == AmpEventId.ConnectionClosed).Message, Does.Contain("LocallyClosed"));
        });
    }

    [Test]
    public async Task AProtocolViolationLogsExactlyItsEventIdOnceAtWarning(CancellationToken cancellationToken)
    {
        using var log = new TestLoggerProvider();
        using ILoggerFactory factory = log.CreateFactory();
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { LoggerFactory = factory });
        await peer.WriteAsync(Wire.Bytes("00 00"), cancellationToken);
        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));

        LogEntry[] violations = [.. log.Entries.Where(e => e.EventId.Id == AmpEventId.ProtocolViolation)];
        Assert.That(violations, Has.Length.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(violations[0].Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(violations[0].Category, Is.EqualTo("Amp.Wire"));
            Assert.That(violations[0].EventId.Name, Is.EqualTo(nameof(AmpEventId.ProtocolViolation)));
            Assert.That(violations[0].Message, Does.Contain("EmptyBox"));
            Assert.That(log.Entries.Where(e => e.Level > LogLevel.Warning), Is.Empty);
        });
    }

    [Test]
    public async Task AnUndeclaredResponderExceptionIsLoggedWithTheExceptionAndNeverSent(CancellationToken cancellationToken)
    {
        using var log = new TestLoggerProvider();
        using ILoggerFactory factory = log.CreateFactory();
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { LoggerFactory = factory, Responders = InteropResponders.Create() });
        await peer.WriteAsync(TwistedCapture.Box("fail-call"), cancellationToken);
        byte[] error = (await peer.ReadBoxBytesAsync(cancellationToken))!;

        Assert.That(error, Is.EqualTo(TwistedCapture.Box("fail-error")));
        Assert.That(Encoding.UTF8.GetString(error), Does.Not.Contain("secret"));
        LogEntry failed = log.Entries.Single(e => e.EventId.Id == AmpEventId.ResponderFailed);
        Assert.Multiple(() =>
        {
            Assert.That(failed.Level, Is.EqualTo(LogLevel.Error));
            Assert.That(failed.Category, Is.EqualTo("Amp.Dispatch"));
            Assert.That(failed.Exception, Is.TypeOf<InvalidOperationException>());
            Assert.That(failed.Exception!.Message, Is.EqualTo("secret detail"));
            Assert.That(failed.Message, Does.Contain("Fail"));
            Assert.That(peer.Connection.IsConnected, Is.True);
        });
    }

    [Test]
    public async Task MalformedArgumentsAreLoggedAsSuchAndNotAsAResponderFailure(CancellationToken cancellationToken)
    {
        using var log = new TestLoggerProvider();
        using ILoggerFactory factory = log.CreateFactory();
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { LoggerFactory = factory, Responders = InteropResponders.Create() });
        await peer.WriteAsync(TwistedCapture.Box("badarg-call"), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(TwistedCapture.Box("badarg-error")));
        LogEntry malformed = log.Entries.Single(e => e.EventId.Id == AmpEventId.MalformedArguments);
        Assert.Multiple(() =>
        {
            Assert.That(malformed.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(malformed.Category, Is.EqualTo("Amp.Dispatch"));
            Assert.That(malformed.Message, Does.Contain("Sum.a"));
            Assert.That(log.Entries.Where(e => e.EventId.Id == AmpEventId.ResponderFailed), Is.Empty);
        });
    }

    [Test]
    public async Task CategoriesArePerLayerAndMatchTheIdRanges(CancellationToken cancellationToken)
    {
        using var log = new TestLoggerProvider();
        using ILoggerFactory factory = log.CreateFactory();
        await using (RawPeer peer = RawPeer.Start(new AmpConnectionOptions { LoggerFactory = factory, Responders = InteropResponders.Create() }))
        {
            await peer.WriteAsync(TwistedCapture.Box("unhandled-call"), cancellationToken);
            await peer.ReadBoxBytesAsync(cancellationToken);
            await peer.WriteAsync(TwistedCapture.Box("sum-call"), cancellationToken);
            await peer.ReadBoxBytesAsync(cancellationToken);
        }

        LogEntry[] entries = [.. log.Entries];
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Category).Distinct(), Is.EquivalentTo(new[] { "Amp.Connection", "Amp.Wire", "Amp.Dispatch" }));
            foreach (LogEntry entry in entries)
            {
                var area = s_areas.Single(a => entry.EventId.Id >= a.First && entry.EventId.Id <= a.Last);
                Assert.That(entry.Category, Is.EqualTo(area.Category), $"event {entry.EventId} ({entry.Message})");
                Assert.That(entry.EventId.Name, Is.Not.Null.And.Not.Empty, $"event {entry.EventId.Id} has no name");
            }

            Assert.That(entries.Single(e => e.EventId.Id == AmpEventId.UnhandledCommand).Level, Is.EqualTo(LogLevel.Debug));
            Assert.That(entries.Count(e => e.EventId.Id == AmpEventId.BoxReceived), Is.EqualTo(2));
            Assert.That(entries.Where(e => e.EventId.Id == AmpEventId.BoxReceived).Select(e => e.Level), Is.All.EqualTo(LogLevel.Trace));
            Assert.That(entries.Count(e => e.EventId.Id == AmpEventId.ConnectionStarted), Is.EqualTo(1));
        });
    }
}
