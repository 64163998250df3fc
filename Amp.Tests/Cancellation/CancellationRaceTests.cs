using Amp.Tests.LayerChanges;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Cancellation;

/// <summary>
/// Calls cancelled, timed out and answered at random moments, racing their answers, the cancels and the
/// hello that agrees the extension: every call ends (answered, cancelled or timed out), and nothing is
/// left running or waiting on either side. The seed is printed; set AMP_CANCEL_SEED to replay one.
/// </summary>
[TestFixture]
[CancelAfter(240_000)]
public sealed class CancellationRaceTests
{
    private const int Rounds = 200;
    private const int CallsPerRound = 24;

    [Test]
    public async Task Every_call_ends_and_nothing_leaks_whatever_the_timing(CancellationToken cancellationToken)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("AMP_CANCEL_SEED"), out int fixedSeed) ? fixedSeed : Environment.TickCount;
        TestContext.Out.WriteLine($"cancellation race seed {seed} (AMP_CANCEL_SEED={seed} replays it)");
        var random = new Random(seed);
        for (int round = 0; round < Rounds; round++)
        {
            await RunRoundAsync(new Random(random.Next()), round, cancellationToken);
        }
    }

    private static async Task RunRoundAsync(Random random, int round, CancellationToken cancellationToken)
    {
        var holds = new HoldResponder();
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using AmpConnection client = AmpConnection.Start(initiator, new AmpConnectionOptions { Name = "client" });
        await using AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions
        {
            Name = "server", Responders = holds.AddTo(InteropResponders.Create()), MaxConcurrentIncomingCalls = 1 + random.Next(8),
        });

        var calls = new List<Task>();
        var sources = new List<CancellationTokenSource>();
        for (int i = 0; i < CallsPerRound; i++)
        {
            var cancel = new CancellationTokenSource();
            sources.Add(cancel);
            calls.Add(random.Next(4) switch
            {
                0 => client.CallRemoteAsync(new Hold { Id = i }, cancel.Token),
                1 => client.CallRemoteAsync(new Hold { Id = i }, TimeSpan.FromMilliseconds(1 + random.Next(20)), cancel.Token),
                2 => client.CallRemoteAsync(new Delay { Ms = random.Next(3), Value = i }, cancel.Token),
                _ => client.CallRemoteAsync(new Sum { A = i, B = 1 }, cancel.Token),
            });
            if (random.Next(3) == 0)
            {
                await Task.Yield();
            }
        }

        foreach (CancellationTokenSource cancel in sources)
        {
            if (random.Next(4) == 0)
            {
                await Task.Yield();
            }

            cancel.Cancel();
        }

        foreach (Task call in calls)
        {
            Exception? failure = await Race.OutcomeAsync(call, cancellationToken);
            Assert.That(failure, Is.Null.Or.InstanceOf<OperationCanceledException>().Or.InstanceOf<TimeoutException>(), $"round {round}");
        }

        // Should it never settle, the test's CancelAfter ends it: say what was left, to tell a leak from a lost cancel
        // (to the test's output, which a failed test's report shows; progress lines do not reach CI's log).
        TextWriter output = TestContext.Out;
        using (cancellationToken.UnsafeRegister(_ => output.WriteLine(
            $"round {round} left: {server.RunningResponders} responders running, {client.PendingCallCount} calls pending, "
            + $"holds started and never cancelled: [{string.Join(", ", holds.StillHeld())}]"), null))
        {
            await Eventually.TrueAsync(() => server.RunningResponders == 0 && client.PendingCallCount == 0, cancellationToken);
        }

        Assert.That((client.IsConnected, server.IsConnected), Is.EqualTo((true, true)), $"round {round}");
        foreach (CancellationTokenSource cancel in sources)
        {
            cancel.Dispose();
        }
    }
}
