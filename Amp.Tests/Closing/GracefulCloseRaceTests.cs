using System.Collections.Concurrent;
using Amp.Tests.Streams;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Closing;

/// <summary>
/// Random calls both ways, streams and closes of every kind interleaved, hundreds of times: every task
/// ends, answered or with a documented exception, and none hangs. When only graceful closes happen between
/// two sides that speak goaway/1, a call that reached its responder is answered. Prints its seed first;
/// replay with AMP_CLOSE_SEED.
/// </summary>
[CancelAfter(600_000)]
public sealed class GracefulCloseRaceTests
{
    private const int Iterations = 300;

    [Test]
    public async Task RandomCallsStreamsAndClosesInterleaveAndEveryTaskEnds(CancellationToken cancellationToken)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("AMP_CLOSE_SEED"), out int fixedSeed) ? fixedSeed : Random.Shared.Next();
        TestContext.Progress.WriteLine($"close race seed: {seed} (replay with AMP_CLOSE_SEED={seed})");
        var random = new Random(seed);
        var outcomes = new ConcurrentDictionary<string, int>();
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var run = new CloseRaceRun(new Random(random.Next()), outcomes, cancellationToken);
            try
            {
                await run.RunAsync();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"seed {seed}, iteration {iteration}: still waiting when the test ran out of time; script: {run.Script}");
            }

            Assert.That(run.Unexpected, Is.Empty, $"seed {seed}, iteration {iteration}; script: {run.Script}");
        }

        foreach ((string outcome, int count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            TestContext.Out.WriteLine($"{count,6} {outcome}");
        }
    }
}

/// <summary>One iteration of <see cref="GracefulCloseRaceTests"/>: a pair, a random script, and the outcome of every task it started.</summary>
internal sealed class CloseRaceRun(Random random, ConcurrentDictionary<string, int> outcomes, CancellationToken cancellationToken)
{
    private readonly List<(string What, Task Task, Func<bool>? Reached)> _tasks = [];
    private readonly List<string> _script = [];
    private bool _abrupt;
    private bool _untold;

    public List<string> Unexpected { get; } = [];

    public string Script => string.Join(", ", _script);

    public async Task RunAsync()
    {
        bool serverSpeaksExtensions = random.Next(5) > 0;
        if (!serverSpeaksExtensions)
        {
            // The server is never told: commands it sends during the client's close may be lost, as with Twisted.
            _script.Add("server without extensions");
            _untold = true;
        }

        await using ClosingPair pair = await ClosingPair.StartAsync(
            Link.InMemory, tls: false, cancellationToken,
            serverExtensions: serverSpeaksExtensions ? AmpExtensions.Default : AmpExtensions.None,
            memory: new InMemoryTransportOptions { MaxBytesPerRead = random.Next(1, 5000) });
        using var cut = new CancellationTokenSource();
        int steps = random.Next(4, 30);
        int closeAt = random.Next(steps);
        int cutAt = random.Next(4) == 0 ? random.Next(closeAt, steps + 1) : -1;
        for (int step = 0; step <= steps; step++)
        {
            if (step == closeAt)
            {
                Close(pair, cut.Token);
            }

            if (step == cutAt)
            {
                _script.Add("cut");
                _abrupt = true;
                await cut.CancelAsync();
            }

            if (step < steps)
            {
                Start(pair, serverSpeaksExtensions, step);
            }

            if (random.Next(2) == 0)
            {
                await Task.Yield();
            }
        }

        pair.ClientHolds.ReleaseAll();
        pair.ServerHolds.ReleaseAll();
        foreach ((string what, Task task, Func<bool>? reached) in _tasks)
        {
            await Settle(what, task, reached).WaitAsync(cancellationToken);
        }

        await Task.WhenAll(pair.Client.Completion, pair.Server.Completion).WaitAsync(cancellationToken);
        _script.Add($"client ended {Describe(await pair.Client.Completion)}, server ended {Describe(await pair.Server.Completion)}");
    }

    private static string Describe(AmpConnectionLostException end) => $"{end.Reason} ({end.Message})";

    private void Close(ClosingPair pair, CancellationToken cut)
    {
        switch (random.Next(10))
        {
            case < 4:
                Track("close client", pair.Client.CloseAsync(cut).AsTask());
                break;
            case < 6:
                Track("close server", pair.Server.CloseAsync(cut).AsTask());
                break;
            case < 8:
                Track("close client", pair.Client.CloseAsync(cut).AsTask());
                Track("close server", pair.Server.CloseAsync(cut).AsTask());
                break;
            case 8:
                _abrupt = true;
                Track("close client at once", pair.Client.CloseAsync().AsTask());
                break;
            default:
                _abrupt = true;
                Track("server transport gone", pair.Server.Transport.DisposeAsync().AsTask());
                break;
        }
    }

    private void Start(ClosingPair pair, bool streams, int step)
    {
        bool fromClient = random.Next(2) == 0;
        AmpConnection caller = fromClient ? pair.Client : pair.Server;
        Holds callee = fromClient ? pair.ServerHolds : pair.ClientHolds;
        string side = fromClient ? "client" : "server";
        switch (random.Next(streams ? 6 : 4))
        {
            case 0:
                Track($"{side} Sum", caller.CallRemoteAsync(new Sum { A = step, B = 1 }, cancellationToken));
                break;
            case 1:
            case 2:
                Track($"{side} Hold", caller.CallRemoteAsync(new Hold { Key = step }, cancellationToken), () => callee.Entered(step).IsCompleted);
                break;
            case 3:
                Track($"{side} CallMeBack", caller.CallRemoteAsync(new CallMeBack { A = step, B = 2 }, cancellationToken));
                break;
            case 4:
                Track($"{side} Download", DownloadAsync(caller, random.Next(0, 300_000), dispose: random.Next(3) == 0));
                break;
            default:
                Track($"{side} Upload", caller.CallRemoteAsync(new Upload { Data = new PatternStream(random.Next(0, 300_000), step) }, cancellationToken));
                break;
        }
    }

    private async Task DownloadAsync(AmpConnection caller, int length, bool dispose)
    {
        DownloadResult result = await caller.CallRemoteAsync(new Download { Length = length, Seed = length }, cancellationToken);
        await using Stream data = result.Data;
        if (!dispose)
        {
            await data.CopyToAsync(Stream.Null, cancellationToken);
        }
    }

    private void Track(string what, Task task, Func<bool>? reached = null)
    {
        _script.Add(what);
        _tasks.Add((what, task, reached));
    }

    private async Task Settle(string what, Task task, Func<bool>? reached)
    {
        string outcome;
        try
        {
            await task;
            outcome = "answered";
        }
        catch (Exception e) when (e is AmpConnectionClosingException or AmpConnectionLostException or AmpStreamException)
        {
            outcome = e.GetType().Name;
        }
        catch (AmpRemoteException e) when (what.EndsWith("CallMeBack", StringComparison.Ordinal) && e.ErrorCode == AmpErrorCodes.Unknown)
        {
            // The responder's call back was refused (the caller is closing) or lost: the caller gets UNKNOWN.
            outcome = "UNKNOWN from a refused call back";
        }
        catch (Exception e)
        {
            outcome = "unexpected " + e.GetType().Name;
            Unexpected.Add($"{what}: {e}");
        }

        if (!_abrupt && !_untold && reached is not null && reached() && outcome != "answered")
        {
            Unexpected.Add($"{what} reached its responder and ended with {outcome}, though both sides spoke goaway/1 and only graceful closes happened");
        }

        outcomes.AddOrUpdate($"{what}: {outcome}", 1, static (_, n) => n + 1);
    }
}
