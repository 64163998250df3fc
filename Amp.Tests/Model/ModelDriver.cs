using System.Diagnostics;
using System.Numerics;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Model;

/// <summary>How a pair's last round ends it.</summary>
internal enum Ending
{
    Normal,
    Switch,
    Disconnect,
}

/// <summary>
/// Runs pairs of connections through random rounds of concurrent steps from a seed, and checks the
/// invariants of spec/amp-wire.md §12a after every round (see <see cref="ModelTests"/>).
/// </summary>
internal sealed partial class ModelDriver
{
    private readonly int _seed;
    private readonly CancellationToken _cancellationToken;
    private readonly List<string> _violations = new();
    private readonly List<string> _details = new();
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private int _nextOpId;
    private int _steps;

    public ModelDriver(int seed, CancellationToken cancellationToken)
    {
        _seed = seed;
        _cancellationToken = cancellationToken;
    }

    public int Steps => Volatile.Read(ref _steps);

    public int Pairs { get; private set; }

    public TimeSpan LongestPair { get; private set; }

    public string LongestPairName { get; private set; } = string.Empty;

    public IReadOnlyList<string> Violations => _violations;

    public IReadOnlyList<string> Details => _details;

    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    public List<string> PairSummaries { get; } = new();

    public static int PairSeed(int seed, int index) => unchecked((seed * 7919) + (index * 104729) + 17);

    public async Task RunPairAsync(int index)
    {
        int pairSeed = PairSeed(_seed, index);
        var rng = new Random(pairSeed);
        var clock = Stopwatch.StartNew();
        ModelPair pair = ModelPair.Create(index, rng, Avoid.Contains("incoming-limit"));
        Ending ending = rng.Next(10) switch { < 4 => Ending.Normal, < 7 => Ending.Switch, _ => Ending.Disconnect };
        int rounds = rng.Next(3, 20);
        int stepsBefore = Steps;
        var ops = new List<ModelOp>();
        string how = $"closed after {rounds} rounds";
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                var roundRng = new Random(unchecked((pairSeed * 31) + (round * 7) + 1));
                string? over = await RunRoundAsync(pair, roundRng, round == rounds - 1 ? ending : Ending.Normal, ops);
                if (over is not null)
                {
                    how = $"{over} in round {round + 1} of {rounds}";
                    break;
                }
            }

            if (!pair.HasEnded)
            {
                await CloseNormallyAsync(pair, rng, ops);
            }

            await pair.DisposeAsync().AsTask().WaitAsync(_cancellationToken);
            if (await pair.CheckNoLeftoversAsync(responders: true, _cancellationToken) is { } leftovers)
            {
                Violation(pair, "after the pair ended: " + leftovers, ops);
            }
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            Violation(pair, "HANG: the test's CancelAfter fired while the pair was running", ops);
            throw;
        }

        Pairs++;
        TimeSpan took = clock.Elapsed;
        if (took > LongestPair)
        {
            (LongestPair, LongestPairName) = (took, $"pair {index}");
        }

        PairSummaries.Add($"pair {index} [{pair.Config}] {ending}: {Steps - stepsBefore} steps, {how}, {took.TotalMilliseconds:0} ms");
    }

    private async Task<string?> RunRoundAsync(ModelPair pair, Random rng, Ending ending, List<ModelOp> ops)
    {
        ops.Clear();
        int depth = pair.Initiator.LayerDepth;
        int count = rng.Next(8) == 0 ? rng.Next(8, 16) : rng.Next(1, 8);
        int endAt = ending == Ending.Normal ? -1 : rng.Next(count + 1);
        var facts = new RoundFacts();
        for (int i = 0; i <= count; i++)
        {
            if (i == endAt)
            {
                OpKind end = ending == Ending.Switch ? OpKind.SwitchRaw : rng.Next(2) == 0 ? OpKind.Dispose : OpKind.CloseTransport;
                facts.Disconnect |= end != OpKind.SwitchRaw;
                facts.RawSwitch |= end == OpKind.SwitchRaw;
                facts.AnySwitch |= end == OpKind.SwitchRaw;
                ops.Add(Issue(pair, end, rng.Next(2) == 0, rng));
            }

            if (i < count)
            {
                OpKind kind = ChooseKind(rng, depth);
                facts.AnySwitch |= kind == OpKind.SwitchRefused;
                ops.Add(Issue(pair, kind, rng.Next(2) == 0, rng));
            }

            await SpaceAsync(rng, ops);
        }

        await Task.WhenAll(ops.Select(op => Quiet(op.Task)).Concat(ops.Select(op => Quiet(op.Canceller)))).WaitAsync(_cancellationToken);
        foreach (ModelOp op in ops)
        {
            Count(op.OutcomeName);
            if (op.Judge(facts) is { } wrong)
            {
                Violation(pair, $"{op}: {wrong}", ops);
            }
        }

        await pair.WaitUntilSettledAsync(_cancellationToken);
        if (facts.Disconnect)
        {
            await BothEndedAsync(pair, "disconnect");
            return "disconnected";
        }

        if (pair.HasEnded)
        {
            (AmpConnectionLostException initiator, AmpConnectionLostException acceptor) = await BothEndedAsync(pair, "switch");
            if (!facts.RawSwitch || initiator.Reason != AmpDisconnectReason.ProtocolSwitched || acceptor.Reason != AmpDisconnectReason.ProtocolSwitched)
            {
                Violation(pair, $"the pair ended without an injected disconnect: initiator {initiator.Reason} ({initiator.Message}), acceptor {acceptor.Reason} ({acceptor.Message})", ops);
                return "ended on its own";
            }

            foreach (ModelOp op in ops)
            {
                if (op.Switched is { } switched && await ExchangeRawAsync(switched, rng) is { } wrong)
                {
                    Violation(pair, $"{op}: {wrong}", ops);
                }
            }

            Count("switch:exchanged=" + ops.Count(op => op.Switched is not null));
            return "switched";
        }

        await CheckQuiescentAsync(pair, rng, ops);
        return pair.HasEnded ? "ended during the quiescence checks" : null;
    }

    /// <summary>Invariants 2 and 4 while both sides are up and nothing is in flight.</summary>
    private async Task CheckQuiescentAsync(ModelPair pair, Random rng, List<ModelOp> ops)
    {
        foreach (bool fromInitiator in new[] { true, false })
        {
            (BigInteger a, BigInteger b) = (RandomInteger(rng), RandomInteger(rng));
            Task<SumResult> sum = pair.Side(fromInitiator).CallRemoteAsync(new Sum { A = a, B = b }, CancellationToken.None);
            await Quiet(sum).WaitAsync(_cancellationToken);
            if (!sum.IsCompletedSuccessfully || sum.Result.Total != a + b)
            {
                Violation(pair, $"the quiescent Sum from the {(fromInitiator ? "initiator" : "acceptor")}: {ModelOp.Describe(sum)}", ops);
                return;
            }
        }

        if (pair.CompareStacks() is { } differ)
        {
            Violation(pair, differ, ops);
        }

        if (await pair.CheckNoLeftoversAsync(responders: false, _cancellationToken) is { } leftovers)
        {
            Violation(pair, "at quiescence: " + leftovers, ops);
        }

        Count($"quiescent:depth={pair.Initiator.LayerDepth}");
    }

    private async Task CloseNormallyAsync(ModelPair pair, Random rng, List<ModelOp> ops)
    {
        bool initiatorFirst = rng.Next(2) == 0;
        await pair.Side(initiatorFirst).DisposeAsync().AsTask().WaitAsync(_cancellationToken);
        (AmpConnectionLostException initiator, AmpConnectionLostException acceptor) = await BothEndedAsync(pair, "close");
        AmpConnectionLostException closer = initiatorFirst ? initiator : acceptor;
        if (closer.Reason != AmpDisconnectReason.LocallyClosed)
        {
            Violation(pair, $"the side that closed reports {closer.Reason} ({closer.Message})", ops);
        }
    }

    private async Task<(AmpConnectionLostException Initiator, AmpConnectionLostException Acceptor)> BothEndedAsync(ModelPair pair, string how)
    {
        AmpConnectionLostException initiator = await pair.Initiator.Completion.WaitAsync(_cancellationToken);
        AmpConnectionLostException acceptor = await pair.Acceptor.Completion.WaitAsync(_cancellationToken);
        Count($"end:{how}:I={initiator.Reason},A={acceptor.Reason}");
        return (initiator, acceptor);
    }

    private async Task SpaceAsync(Random rng, List<ModelOp> ops)
    {
        int s = rng.Next(100);
        if (s < 45)
        {
            return;
        }

        if (s < 65)
        {
            await Task.Yield();
        }
        else if (s < 80)
        {
            await Quiet(ops[rng.Next(ops.Count)].Task).WaitAsync(_cancellationToken);
        }
        else
        {
            await Task.Delay(s < 95 ? 0 : rng.Next(1, 4), _cancellationToken);
        }
    }

    private void Violation(ModelPair pair, string message, List<ModelOp> ops)
    {
        string replay = $"AMP_MODEL_SEED={_seed} AMP_MODEL_PAIR={pair.Index}";
        lock (_violations)
        {
            _violations.Add($"[{replay}] {message}");
            if (_details.Count < 5)
            {
                _details.Add($"--- violation in {pair.Describe()}\n{message}\nround ops:\n  {string.Join("\n  ", ops)}\nlast log lines:\n  {string.Join("\n  ", pair.Log.Snapshot().TakeLast(80))}");
            }
        }
    }

    private void Count(string outcome)
    {
        lock (_outcomes)
        {
            _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
        }
    }

    private static Task Quiet(Task? task) =>
        task is null ? Task.CompletedTask : task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
