using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Numerics;
using System.Text;
using System.Threading.Channels;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.LayerChanges;

/// <summary>
/// SECURITY: calls queued behind a StartTLS are meant for TLS. Whatever happens to the StartTLS (cancelled
/// before or after its box is written, or the connection closed while it waits), they never reach the wire
/// in plaintext: after the StartTLS box come TLS records or nothing. A raw peer reads the exact bytes.
/// </summary>
[CancelAfter(60000)]
public sealed class LayerChangeRacePlaintextTests
{
    private const int AfterBase = 1_000_000;
    private const int Iterations = 150;

    private enum Moment
    {
        BeforeTheBoxIsWritten,
        WhileCallsAreQueued,
        AfterTheBoxWasWritten,
    }

    [Test]
    public async Task CallsQueuedBehindACancelledStartTlsNeverGoOutInPlaintext(CancellationToken cancellationToken)
    {
        var random = new Random(Race.Seed());
        var failures = new List<string>();
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var moment = (Moment)random.Next(3);
            foreach (string failure in await RunAsync(moment, closeInstead: false, random, cancellationToken))
            {
                failures.Add($"iteration {iteration} (cancelled {moment}): {failure}");
            }
        }

        Report(failures);
    }

    [Test]
    public async Task ClosingTheConnectionWhileStartTlsWaitsNeverSendsTheCallsQueuedBehindItInPlaintext(CancellationToken cancellationToken)
    {
        var random = new Random(Race.Seed());
        var failures = new List<string>();
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var moment = (Moment)random.Next(3);
            foreach (string failure in await RunAsync(moment, closeInstead: true, random, cancellationToken))
            {
                failures.Add($"iteration {iteration} (closed {moment}): {failure}");
            }
        }

        Report(failures);
    }

    private static async Task<List<string>> RunAsync(Moment moment, bool closeInstead, Random random, CancellationToken cancellationToken)
    {
        int afterCount = random.Next(500, 3000);
        int producers = random.Next(1, 3);
        int stopAt = random.Next(afterCount / producers);
        bool answerStartTls = random.Next(2) == 0;
        bool stalled = moment == Moment.BeforeTheBoxIsWritten;
        var failures = new List<string>();
        string label = $"{(closeInstead ? "closed" : "cancelled")} {moment}, {afterCount} calls after from {producers} threads";

        // Stalled: the peer reads nothing yet and the network holds 256 bytes, so the StartTLS box waits in our writer.
        var (ours, theirs) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBufferedBytes = stalled ? 256 : 1024 * 1024 });
        await using var connection = AmpConnection.Start(ours, new AmpConnectionOptions { Name = "ours" });
        await using InMemoryTransport peerEnd = theirs;
        var wire = new WireWatcher(theirs, answersSums: !closeInstead);
        Task watching = stalled ? Task.CompletedTask : wire.RunAsync(cancellationToken);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task closing = Task.CompletedTask;

        // Calls whose box was queued before the cancellation began were held for the StartTLS: they must never
        // be plaintext. A StartTLS withdrawn before its box was written leaves the connection as if it had never
        // been asked for, so calls made after that go out as on any plaintext connection (spec §12a).
        var stopping = new StrongBox<int>();
        var queuedBeforeStop = new ConcurrentDictionary<string, byte>();
        void Stop()
        {
            Volatile.Write(ref stopping.Value, 1);
            if (closeInstead)
            {
                closing = connection.DisposeAsync().AsTask();
            }
            else
            {
                cancel.Cancel();
            }
        }

        Task<SumResult>[] before = [.. Enumerable.Range(0, 25).Select(i => connection.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken))];
        Task<TlsConnectionInfo> starting = connection.StartTlsAsync(Race.ClientTls, cancel.Token);
        if (moment == Moment.BeforeTheBoxIsWritten)
        {
            Stop();
            if (closeInstead)
            {
                // Closing writes what may be written: the peer has to read for that.
                watching = wire.RunAsync(cancellationToken);
                stalled = false;
            }
        }

        Task<List<Task>>[] producing = [.. Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            var calls = new List<Task>();
            for (int k = 0; k < afterCount / producers; k++)
            {
                calls.Add(k % 2 == 0
                    ? connection.CallRemoteAsync(new Sum { A = AfterBase + k, B = p }, cancellationToken)
                    : connection.CallRemoteAsync(new Echo { Text = $"after {p}/{k}" }, cancellationToken));
                if (Volatile.Read(ref stopping.Value) == 0)
                {
                    queuedBeforeStop[$"{p}/{k}"] = 0;
                }
                if (p == 0 && k == stopAt && moment == Moment.WhileCallsAreQueued)
                {
                    Stop();
                }
            }

            return calls;
        }, cancellationToken))];
        if (moment == Moment.AfterTheBoxWasWritten)
        {
            await Race.WaitOrFailAsync(wire.StartTlsSeen.Task, $"{label}: the StartTLS box reached the peer", cancellationToken);
            Stop();
        }

        List<Task> after = [.. (await Race.WaitOrFailAsync(Task.WhenAll(producing), $"{label}: the calls after the StartTLS were queued", cancellationToken)).SelectMany(calls => calls)];
        Exception? started = await Race.WaitOrFailAsync(Race.OutcomeAsync(starting, cancellationToken), $"{label}: the StartTLS ended", cancellationToken);
        if (closeInstead ? started is not AmpConnectionLostException : started is not OperationCanceledException)
        {
            failures.Add($"the StartTLS ended with {Describe(started)}");
        }

        if (stalled)
        {
            watching = wire.RunAsync(cancellationToken);
        }

        if (!closeInstead)
        {
            // Cancelling the StartTLS does not touch the calls before it: the peer answers them in plaintext.
            for (int i = 0; i < before.Length; i++)
            {
                Exception? failure = await Race.WaitOrFailAsync(Race.OutcomeAsync(before[i], cancellationToken), $"{label}: the calls before the StartTLS ended", cancellationToken);
                if (failure is not null || before[i].Result.Total != i + 1)
                {
                    failures.Add($"Sum {i}, queued before the StartTLS, ended with {Describe(failure)}");
                    break;
                }
            }

            if (answerStartTls && wire.StartTlsTag is not null)
            {
                // The late answer: our side now starts TLS, so what follows is a ClientHello.
                wire.AnswerStartTls();
                await Race.WaitOrFailAsync(Task.WhenAny(wire.BytesAfterStartTls.Task, connection.Completion), $"{label}: TLS started after the late answer (or the connection ended)", cancellationToken);
            }
        }

        await Race.WaitOrFailAsync(closing, $"{label}: the close while the StartTLS waited completed", cancellationToken);
        await Race.WaitOrFailAsync(connection.DisposeAsync().AsTask(), $"{label}: the connection closed", cancellationToken);
        await Race.WaitOrFailAsync(watching, $"{label}: the peer read the stream to its end", cancellationToken);

        failures.AddRange(wire.Violations);
        string[] leaked = [.. wire.PlaintextCallKeys.Where(key => wire.StartTlsTag is not null || queuedBeforeStop.ContainsKey(key))];
        if (leaked.Length > 0)
        {
            failures.Add($"{leaked.Length} calls queued after the StartTLS went out as plaintext boxes (StartTLS on the wire: {wire.StartTlsTag is not null}), the first: {leaked[0]}");
        }

        if (wire.StartTlsTag is not null && wire.AfterStartTls.Length > 0 && wire.AfterStartTls[0] != 0x16)
        {
            failures.Add($"after the StartTLS box came {wire.AfterStartTls.Length} bytes that are no TLS record: {Preview(wire.AfterStartTls)}");
        }
        else if (wire.AfterStartTls.AsSpan().IndexOf("_command"u8) >= 0)
        {
            failures.Add($"plaintext AMP inside the bytes after the StartTLS box: {Preview(wire.AfterStartTls)}");
        }

        var outcomes = new Dictionary<string, int>();
        foreach (Task call in after)
        {
            Exception? failure = await Race.WaitOrFailAsync(Race.OutcomeAsync(call, cancellationToken), $"{label}: every call after the StartTLS ended", cancellationToken);
            string outcome = failure is AmpException ? "AmpException" : Describe(failure);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        outcomes.Remove("AmpException");
        failures.AddRange(outcomes.Select(pair => $"{pair.Value} calls queued after the StartTLS ended with {pair.Key}"));
        return failures;
    }

    /// <summary>Fails with a summary: the plaintext leaks first, then the other failures, a few of each kind.</summary>
    private static void Report(List<string> failures)
    {
        foreach (string failure in failures)
        {
            TestContext.Out.WriteLine(failure);
        }

        string[] leaks = [.. failures.Where(f => f.Contains("plaintext", StringComparison.Ordinal) || f.Contains("no TLS record", StringComparison.Ordinal))];
        string[] others = [.. failures.Except(leaks)];
        if (failures.Count > 0)
        {
            Assert.Fail($"{leaks.Length} findings of plaintext sent after a StartTLS, {others.Length} other failures (all printed to the output)." +
                $"{Environment.NewLine}Plaintext: {string.Join(Environment.NewLine, leaks.Take(3))}" +
                $"{Environment.NewLine}Other: {string.Join(Environment.NewLine, others.Take(3))}");
        }
    }

    private static string Describe(Exception? outcome) => outcome is null ? "success" : $"{outcome.GetType().Name}: {outcome.Message}";

    private static string Preview(byte[] bytes) =>
        Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 120)).Replace('\0', '.');

    /// <summary>
    /// The peer's end, read byte by byte: it answers the Sums queued before the StartTLS, notes any call
    /// queued after it that arrives as a plaintext box, and keeps every byte after the StartTLS box.
    /// </summary>
    private sealed class WireWatcher(InMemoryTransport transport, bool answersSums)
    {
        private readonly List<byte> _afterStartTls = new();
        private readonly Channel<byte[]> _answers = Channel.CreateUnbounded<byte[]>();

        public TaskCompletionSource StartTlsSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource BytesAfterStartTls { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Violations { get; } = new();

        public string? StartTlsTag { get; private set; }

        /// <summary>The calls queued after the StartTLS that arrived as plaintext boxes, as "producer/index".</summary>
        public ConcurrentQueue<string> PlaintextCallKeys { get; } = new();

        public byte[] AfterStartTls => [.. _afterStartTls];

        /// <summary>Reads to the end of the stream; answers go out from another task, so reading never waits for writing.</summary>
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Task writing = WriteAnswersAsync(cancellationToken);
            try
            {
                await ReadAsync(cancellationToken);
            }
            finally
            {
                _answers.Writer.TryComplete();
                await writing;
            }
        }

        private async Task ReadAsync(CancellationToken cancellationToken)
        {
            PipeReader input = transport.Input;
            while (true)
            {
                ReadResult result = await input.ReadAsync(cancellationToken);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (StartTlsTag is null && TryTakeBox(ref buffer, out AmpBox? box))
                {
                    Handle(box!);
                }

                if (StartTlsTag is not null && !buffer.IsEmpty)
                {
                    _afterStartTls.AddRange(buffer.ToArray());
                    BytesAfterStartTls.TrySetResult();
                    buffer = buffer.Slice(buffer.End);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (StartTlsTag is null && !buffer.IsEmpty)
                    {
                        Violations.Add($"the stream ended inside a plaintext box: {Preview(buffer.ToArray())}");
                    }

                    return;
                }
            }
        }

        public void AnswerStartTls() => _answers.Writer.TryWrite(BoxWriter.Serialize(new AmpBox().SetString("_answer", StartTlsTag!)));

        private async Task WriteAnswersAsync(CancellationToken cancellationToken)
        {
            try
            {
                await foreach (byte[] answer in _answers.Reader.ReadAllAsync(cancellationToken))
                {
                    if ((await transport.Output.WriteAsync(answer, cancellationToken)).IsCompleted)
                    {
                        return;
                    }
                }
            }
            catch (InvalidOperationException)
            {
                // Our side closed its transport: the peer's writes have nowhere to go.
            }
        }

        private static bool TryTakeBox(ref ReadOnlySequence<byte> buffer, out AmpBox? box) => BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out box);

        private void Handle(AmpBox box)
        {
            switch (box.GetString("_command"))
            {
                case "StartTLS":
                    StartTlsTag = box.GetString("_ask");
                    StartTlsSeen.TrySetResult();
                    break;
                case "Sum" when BigInteger.Parse(box.GetString("a")!, CultureInfo.InvariantCulture) is var a && a < AfterBase:
                    BigInteger total = a + BigInteger.Parse(box.GetString("b")!, CultureInfo.InvariantCulture);
                    if (answersSums)
                    {
                        _answers.Writer.TryWrite(BoxWriter.Serialize(
                            new AmpBox().SetString("_answer", box.GetString("_ask")!).SetString("total", total.ToString(CultureInfo.InvariantCulture))));
                    }

                    break;
                case "Sum":
                    BigInteger k = BigInteger.Parse(box.GetString("a")!, CultureInfo.InvariantCulture) - AfterBase;
                    PlaintextCallKeys.Enqueue($"{box.GetString("b")}/{k}");
                    break;
                default:
                    PlaintextCallKeys.Enqueue(box.GetString("text")?.Replace("after ", string.Empty, StringComparison.Ordinal) ?? box.ToString());
                    break;
            }
        }
    }
}
