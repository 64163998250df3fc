using System.Text.RegularExpressions;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Integration;

[AmpCommand("Gate")]
public sealed class Gate : IAmpCommand<GateResult>
{
    [AmpArgument("id")] public int Id { get; init; }
}

public sealed class GateResult
{
    [AmpArgument("id")] public int Id { get; init; }
}

/// <summary>
/// A peer that stops reading, and a peer that sends more commands than may run at once: writes wait,
/// reading pauses, memory stays bounded, and nothing is dropped or reordered on the wire.
/// </summary>
[CancelAfter(10000)]
public sealed partial class BackpressureTests
{
    private const int PayloadLength = 10 * 1024;
    private const long QueueLimit = 65 * 1024;
    private const long TransportBuffer = 16 * 1024;

    // A Raw call box: _ask, _command, payload and the end marker.
    private const int CallBoxBytes = (2 + 4 + 2 + 2) + (2 + 8 + 2 + 3) + (2 + 7 + 2 + PayloadLength) + 2;

    [Test]
    public async Task CallsWaitForRoomWhenThePeerStopsReadingAndAllArriveIntactLater(CancellationToken cancellationToken)
    {
        const int calls = 40;
        await using RawPeer peer = RawPeer.Start(
            new AmpConnectionOptions { MaxQueuedOutgoingBytes = QueueLimit },
            new InMemoryTransportOptions { MaxBufferedBytes = TransportBuffer });

        Task<RawResult>[] tasks = [.. Enumerable.Range(0, calls).Select(i =>
            peer.Connection.CallRemoteAsync(new Raw { Payload = Payload(i) }, cancellationToken))];

        // Nothing moves while the peer does not read (a short look, since "nothing happens" has no signal).
        int encoded = PendingCalls(peer.Connection);
        await Task.Delay(100, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(PendingCalls(peer.Connection), Is.EqualTo(encoded), "calls encoded while the peer was not reading");
            Assert.That(encoded, Is.GreaterThan(0));

            // At most what fits in the queue and the transport's buffer, plus the one box that crossed each limit.
            Assert.That((long)encoded * CallBoxBytes, Is.LessThanOrEqualTo(QueueLimit + TransportBuffer + (2 * CallBoxBytes)));
            Assert.That(tasks.Count(t => t.IsCompleted), Is.Zero);
        });
        TestContext.Out.WriteLine($"{encoded} of {calls} calls were encoded before the writer filled up");

        // Now the peer reads and answers everything.
        var tagOfMarker = new Dictionary<int, string>();
        var markers = new List<int>();
        for (int n = 0; n < calls; n++)
        {
            AmpBox box = await peer.ReadBoxAsync(cancellationToken);
            Assert.That(box.GetString("_command"), Is.EqualTo("Raw"));
            byte[] payload = box["payload"].ToArray();
            Assert.That(payload, Has.Length.EqualTo(PayloadLength));
            int marker = payload[0];
            Assert.That(payload.All(b => b == marker), Is.True, $"box {n} is intact");
            string tag = box.GetString("_ask")!;
            Assert.That(tagOfMarker.TryAdd(marker, tag), Is.True, $"payload {marker} arrived twice");
            markers.Add(marker);
            var answer = new AmpBox();
            answer["_answer"] = box["_ask"];
            answer["payload"] = payload;
            await peer.WriteBoxAsync(answer, cancellationToken);
        }

        RawResult[] results = await Task.WhenAll(tasks).WaitAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(markers, Is.EquivalentTo(Enumerable.Range(0, calls)));
            Assert.That(tagOfMarker.Values.Select(t => Convert.ToInt32(t, 16)), Is.EquivalentTo(Enumerable.Range(1, calls)), "tags 1..40, each once");

            // One caller's calls go out in the order they were made, whether they waited for room or not.
            Assert.That(markers, Is.EqualTo(Enumerable.Range(0, calls)));
            Assert.That(markers.Select(m => Convert.ToInt32(tagOfMarker[m], 16)), Is.EqualTo(Enumerable.Range(1, calls)));
            for (int i = 0; i < calls; i++)
            {
                Assert.That(results[i].Payload, Is.EqualTo(Payload(i)), $"call {i} got its own answer");
            }
        });
        TestContext.Out.WriteLine("wire order of payloads: " + string.Join(",", markers));
    }

    [Test]
    public async Task SendsFromOneCallerUnderBackpressureKeepTheirOrder(CancellationToken cancellationToken)
    {
        // Commands without an answer, sent one after another from one caller while the writer is full,
        // must reach the peer in the order they were sent (Notify "one", "two" must not swap).
        const int sends = 30;
        await using RawPeer peer = RawPeer.Start(
            new AmpConnectionOptions { MaxQueuedOutgoingBytes = QueueLimit },
            new InMemoryTransportOptions { MaxBufferedBytes = TransportBuffer });
        Task[] tasks = [.. Enumerable.Range(0, sends).Select(i =>
            peer.Connection.SendRemoteStringAsync("Raw", new AmpBox { ["payload"] = Payload(i) }, cancellationToken))];

        var markers = new List<int>();
        for (int n = 0; n < sends; n++)
        {
            AmpBox box = await peer.ReadBoxAsync(cancellationToken);
            markers.Add(box["payload"].Span[0]);
        }

        await Task.WhenAll(tasks).WaitAsync(cancellationToken);
        Assert.That(markers, Is.EqualTo(Enumerable.Range(0, sends)), "wire order: " + string.Join(",", markers));
    }

    [Test]
    public async Task ACallCancelledWhileWaitingForRoomIsNeverSentAndOthersKeepTheirOrder(CancellationToken cancellationToken)
    {
        const int sends = 20;
        await using RawPeer peer = RawPeer.Start(
            new AmpConnectionOptions { MaxQueuedOutgoingBytes = QueueLimit },
            new InMemoryTransportOptions { MaxBufferedBytes = TransportBuffer });
        using var cancel = new CancellationTokenSource();
        var tasks = new List<Task>();
        for (int i = 0; i < sends; i++)
        {
            tasks.Add(peer.Connection.SendRemoteStringAsync("Raw", new AmpBox { ["payload"] = Payload(i) }, i == 12 ? cancel.Token : cancellationToken));
        }

        Assert.That(tasks[12].IsCompleted, Is.False, "send 12 should be waiting for room");
        cancel.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() => tasks[12].WaitAsync(cancellationToken));

        var markers = new List<int>();
        for (int n = 0; n < sends - 1; n++)
        {
            AmpBox box = await peer.ReadBoxAsync(cancellationToken);
            markers.Add(box["payload"].Span[0]);
        }

        await Task.WhenAll(tasks.Where((_, i) => i != 12)).WaitAsync(cancellationToken);
        Assert.That(markers, Is.EqualTo(Enumerable.Range(0, sends).Where(i => i != 12)));
    }

    [Test]
    public async Task ReadingPausesWhileAnswersCannotBeWrittenAndNothingIsDropped(CancellationToken cancellationToken)
    {
        const int commands = 60;
        var responders = new AmpResponders().Add((Raw c) => new RawResult { Payload = c.Payload });
        await using RawPeer peer = RawPeer.Start(
            new AmpConnectionOptions { MaxQueuedOutgoingBytes = QueueLimit, Responders = responders },
            new InMemoryTransportOptions { MaxBufferedBytes = TransportBuffer });

        Task writing = Task.Run(async () =>
        {
            for (int i = 0; i < commands; i++)
            {
                var box = new AmpBox { ["payload"] = Payload(i) };
                box.SetString("_ask", (i + 1).ToString("x", System.Globalization.CultureInfo.InvariantCulture));
                box.SetString("_command", "Raw");
                await peer.WriteBoxAsync(box, cancellationToken);
            }
        }, cancellationToken);

        // The peer reads nothing: our side must stop reading its commands, so the peer's writes block too.
        await Task.Delay(200, cancellationToken);
        Assert.That(writing.IsCompleted, Is.False, "the peer could write everything although nobody read the answers");
        Assert.That(peer.Connection.IsConnected, Is.True);

        for (int i = 0; i < commands; i++)
        {
            AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
            Assert.That(answer.GetString("_answer"), Is.EqualTo((i + 1).ToString("x", System.Globalization.CultureInfo.InvariantCulture)), "answers in order");
            Assert.That(answer["payload"].ToArray(), Is.EqualTo(Payload(i)));
        }

        await writing.WaitAsync(cancellationToken);
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task AtTheIncomingCallLimitTheNextCommandWaitsAndNothingIsDropped(CancellationToken cancellationToken)
    {
        const int commands = 5;
        var started = Enumerable.Range(0, commands + 1).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var gates = Enumerable.Range(0, commands + 1).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        int startedCount = 0;
        int running = 0;
        int maxRunning = 0;
        var responders = new AmpResponders().Add(async (Gate g, CancellationToken ct) =>
        {
            Interlocked.Increment(ref startedCount);
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            started[g.Id].SetResult();
            await gates[g.Id].Task.WaitAsync(ct);
            Interlocked.Decrement(ref running);
            return new GateResult { Id = g.Id };
        });
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { MaxConcurrentIncomingCalls = 2, Responders = responders });

        var all = new List<byte>();
        for (int id = 1; id <= commands; id++)
        {
            var box = new AmpBox();
            box.SetString("_ask", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            box.SetString("_command", "Gate");
            box.SetString("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            all.AddRange(BoxWriter.Serialize(box));
        }

        await peer.WriteAsync(all.ToArray(), cancellationToken);
        await Task.WhenAll(started[1].Task, started[2].Task).WaitAsync(cancellationToken);
        await Task.Delay(100, cancellationToken);
        Assert.That(Volatile.Read(ref startedCount), Is.EqualTo(2), "a third command was dispatched at the limit");

        // Each completion lets exactly one more command in, in order.
        for (int id = 1; id <= commands; id++)
        {
            gates[id].SetResult();
            AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
            Assert.That(answer.GetString("_answer"), Is.EqualTo(id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(answer.GetString("id"), Is.EqualTo(id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (id + 2 <= commands)
            {
                await started[id + 2].Task.WaitAsync(cancellationToken);
                Assert.That(Volatile.Read(ref startedCount), Is.LessThanOrEqualTo(id + 2));
            }
        }

        Assert.That(Volatile.Read(ref startedCount), Is.EqualTo(commands));
        Assert.That(Volatile.Read(ref maxRunning), Is.EqualTo(2));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    private static byte[] Payload(int marker) => Enumerable.Repeat((byte)marker, PayloadLength).ToArray();

    private static int PendingCalls(AmpConnection connection) =>
        int.Parse(PendingCallsPattern().Match(connection.ToString()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static void InterlockedMax(ref int location, int value)
    {
        int current = Volatile.Read(ref location);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    [GeneratedRegex(@"pending-calls=(\d+)")]
    private static partial Regex PendingCallsPattern();
}
