using System.Numerics;
using System.Text;
using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.Model;

// Choosing and starting one operation.
internal sealed partial class ModelDriver
{
    private const int MaxDepth = 4;

    /// <summary>
    /// Known findings to steer around, to look past them (AMP_MODEL_AVOID, comma-separated; never by default,
    /// see ModelFindingsTests): <c>refused-changes</c> issues no change the peer refuses by its arguments
    /// (a switch to an unknown protocol, StartMask key 0: finding 1); <c>incoming-limit</c> leaves
    /// MaxConcurrentIncomingCalls at its default (finding 2); <c>withdrawn-pushes</c> never cancels a push (finding 3).
    /// </summary>
    public IReadOnlySet<string> Avoid { get; init; } = new HashSet<string>();

    private bool AvoidRefusedChanges => Avoid.Contains("refused-changes");

    private static readonly (OpKind Kind, int Weight)[] s_weights =
    [
        (OpKind.Sum, 26), (OpKind.Echo, 12), (OpKind.Delay, 8), (OpKind.CallMeBack, 5),
        (OpKind.StartTls, 6), (OpKind.StopTls, 7), (OpKind.StartMask, 7), (OpKind.StopMask, 7),
        (OpKind.SwitchRefused, 2),
    ];

    private OpKind ChooseKind(Random rng, int depth)
    {
        int total = s_weights.Sum(w => Allowed(w.Kind, depth) ? w.Weight : 0);
        int pick = rng.Next(total);
        foreach ((OpKind kind, int weight) in s_weights)
        {
            if (!Allowed(kind, depth))
            {
                continue;
            }

            if (pick < weight)
            {
                return kind;
            }

            pick -= weight;
        }

        throw new InvalidOperationException("unreachable");
    }

    // Deep stacks only make every step slower: pushes stop at a depth (the model never needs deeper).
    private bool Allowed(OpKind kind, int depth) =>
        (depth < MaxDepth || kind is not (OpKind.StartTls or OpKind.StartMask))
        && !(AvoidRefusedChanges && kind == OpKind.SwitchRefused);

    private ModelOp Issue(ModelPair pair, OpKind kind, bool fromInitiator, Random rng)
    {
        if (kind == OpKind.CallMeBack && pair.SmallIncomingLimit)
        {
            fromInitiator = true;
        }

        AmpConnection connection = pair.Side(fromInitiator);
        string detail = string.Empty;
        Func<CancellationToken, Task> start;
        Func<Task, string?>? check = null;
        switch (kind)
        {
            case OpKind.Sum:
            {
                (BigInteger a, BigInteger b) = (RandomInteger(rng), RandomInteger(rng));
                start = token => connection.CallRemoteAsync(new Sum { A = a, B = b }, token);
                check = ModelOp.ExpectSum(a + b);
                break;
            }

            case OpKind.CallMeBack:
            {
                (BigInteger a, BigInteger b) = (RandomInteger(rng), RandomInteger(rng));
                start = token => connection.CallRemoteAsync(new CallMeBack { A = a, B = b }, token);
                check = ModelOp.ExpectSum(a + b);
                break;
            }

            case OpKind.Echo:
            {
                int length = pair.SmallReads ? rng.Next(200) : rng.Next(12) == 0 ? rng.Next(10_000, 60_000) : rng.Next(2000);
                byte[] bytes = new byte[length];
                rng.NextBytes(bytes);
                string text = RandomText(rng);
                detail = $"bytes={length}";
                start = token => connection.CallRemoteAsync(new Echo { Bytes = bytes, Text = text }, token);
                check = ModelOp.Expect<EchoValues>(echo => echo.Bytes is { } back && back.AsSpan().SequenceEqual(bytes) && echo.Text == text ? null : "the echo differs");
                break;
            }

            case OpKind.Delay:
            {
                int ms = rng.Next(6);
                long value = rng.NextInt64();
                detail = $"ms={ms}";
                start = token => connection.CallRemoteAsync(new Delay { Ms = ms, Value = value }, token);
                check = ModelOp.Expect<DelayResult>(result => result.Value == value ? null : $"wrong value {result.Value}");
                break;
            }

            case OpKind.StartTls:
                start = token => connection.StartTlsAsync(ModelPair.TlsOptions(fromInitiator), token);
                check = ModelOp.ExpectTls(fromInitiator);
                break;
            case OpKind.StopTls:
                start = token => connection.StopTlsAsync(token);
                break;
            case OpKind.StartMask:
            {
                int key = rng.Next(20) == 0 && !AvoidRefusedChanges ? 0 : rng.Next(1, 256);
                detail = $"key={key}";
                start = token => connection.CallRemoteAsync(new StartMask { Key = key }, token);
                break;
            }

            case OpKind.StopMask:
                start = token => connection.CallRemoteAsync(new StopMask(), token);
                break;
            case OpKind.SwitchRefused:
                start = token => connection.SwitchProtocolAsync(new SwitchProtocol { Protocol = "nope" }, token);
                break;
            case OpKind.SwitchRaw:
                start = token => connection.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, token);
                break;
            case OpKind.Dispose:
                start = _ => connection.DisposeAsync().AsTask();
                break;
            case OpKind.CloseTransport:
                start = _ => (fromInitiator ? pair.InitiatorTransport : pair.AcceptorTransport).DisposeAsync().AsTask();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        var op = new ModelOp(Interlocked.Increment(ref _nextOpId), kind, fromInitiator, detail) { Check = check };
        if (kind is not (OpKind.Dispose or OpKind.CloseTransport) && !(Avoid.Contains("withdrawn-pushes") && kind is OpKind.StartTls or OpKind.StartMask))
        {
            int r = rng.Next(100);
            op.CancelMode = r < 70 ? CancelMode.None : r < 74 ? CancelMode.Before : r < 82 ? CancelMode.RightAfter : r < 95 ? CancelMode.AfterDelay : CancelMode.FromPool;
        }

        if (op.CancelMode != CancelMode.None)
        {
            op.Cts = new CancellationTokenSource();
        }

        if (op.CancelMode == CancelMode.Before)
        {
            op.Cts!.Cancel();
        }

        CancellationToken cancellationToken = op.Cts?.Token ?? CancellationToken.None;
        bool viaPool = rng.Next(4) == 0;
        int delay = rng.Next(4);
        try
        {
            op.Task = viaPool ? Task.Run(() => op.Inner = start(cancellationToken), CancellationToken.None) : start(cancellationToken);
        }
        catch (Exception e)
        {
            op.ThrewSynchronously = true;
            op.Task = Task.FromException(e);
        }

        switch (op.CancelMode)
        {
            case CancelMode.RightAfter:
                op.Cts!.Cancel();
                break;
            case CancelMode.AfterDelay:
                op.Cts!.CancelAfter(delay);
                break;
            case CancelMode.FromPool:
                CancellationTokenSource cts = op.Cts!;
                op.Canceller = Task.Run(cts.Cancel, CancellationToken.None);
                break;
        }

        if (kind == OpKind.SwitchRaw)
        {
            pair.Track(op);
        }

        _ = op.Task.ContinueWith(static (_, state) => ((ModelOp)state!).Took = ((ModelOp)state).Clock.Elapsed, op, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Interlocked.Increment(ref _steps);
        return op;
    }

    /// <summary>After a successful switch: the peer runs raw echo; a few raw bytes must come back behind its greeting.</summary>
    private async Task<string?> ExchangeRawAsync(AmpSwitchedConnection switched, Random rng)
    {
        byte[] data = new byte[rng.Next(1, 3000)];
        rng.NextBytes(data);
        byte[] back = await RawEcho.ExchangeAsync(switched, data, _cancellationToken);
        return back.AsSpan().SequenceEqual([.. RawEcho.Greeting, .. data])
            ? null
            : $"the raw exchange after the switch returned {back.Length} bytes, expected {RawEcho.Greeting.Length + data.Length}";
    }

    private static BigInteger RandomInteger(Random rng) => rng.Next(4) switch
    {
        0 => rng.Next(-1000, 1000),
        1 => rng.NextInt64(),
        2 => BigInteger.Pow(2, rng.Next(64, 300)) - rng.Next(),
        _ => -BigInteger.Pow(3, rng.Next(40, 200)) + rng.Next(),
    };

    private static string RandomText(Random rng)
    {
        var text = new StringBuilder();
        int length = rng.Next(40);
        for (int i = 0; i < length; i++)
        {
            text.Append(rng.Next(8) == 0 ? (char)rng.Next(0x100, 0x3000) : (char)rng.Next(0x20, 0x7f));
        }

        return text.ToString();
    }
}
