using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.LayerChanges;

/// <summary>Blocks the peer's read loop inside one of its responders (for the test to act meanwhile) until released.</summary>
[AmpCommand("LayerRaceHold")]
public sealed class HoldReading : IAmpCommand<AmpEmptyResponse>;

/// <summary>A command whose responder answers only when the test lets it (see <see cref="PeerHooks.LateAnswers"/>).</summary>
[AmpCommand("LayerRaceNeverAnswer")]
public sealed class NeverAnswer : IAmpCommand<AmpEmptyResponse>
{
    private readonly long _n;

    /// <summary>
    /// Runs when the connection reads the argument to write the box: a test cancels the call there, which
    /// is a cancellation landing while the call is being made, every time instead of by chance.
    /// </summary>
    public Action? WhileBeingWritten { get; init; }

    [AmpArgument("n")]
    public long N
    {
        get
        {
            WhileBeingWritten?.Invoke();
            return _n;
        }

        init => _n = value;
    }
}

/// <summary>
/// A point in a responder where the peer's read loop stops: the responder reports that it was reached,
/// then blocks until the test releases it (or the test ends).
/// </summary>
internal sealed class ResponderGate
{
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationToken _testEnds;

    public ResponderGate(CancellationToken testEnds)
    {
        _testEnds = testEnds;
    }

    public Task Arrived => _arrived.Task;

    public void Release() => _release.Set();

    /// <summary>Called by the responder, on the peer's read loop.</summary>
    public void Wait()
    {
        _arrived.TrySetResult();
        try
        {
            _release.Wait(_testEnds);
        }
        catch (OperationCanceledException)
        {
            // The test is over; let the read loop go.
        }
    }
}

/// <summary>What one side's responders report to the test, and where the test can stop them.</summary>
internal sealed class PeerHooks
{
    private int _switchesAccepted;

    /// <summary>The TLS options this side's StartTLS responder uses; by default <see cref="Race.TlsFor"/>.</summary>
    public Func<AmpConnection, TlsLayerOptions> Tls { get; init; } = Race.TlsFor;

    /// <summary>Called on the read loop when the peer's StartTLS reaches this side's responder, before it answers.</summary>
    public Action<AmpConnection>? StartTlsArrived { get; set; }

    /// <summary>Called on the read loop when the peer's protocol switch reaches this side's responder, before it answers.</summary>
    public Action? SwitchArrived { get; set; }

    /// <summary>Where <see cref="HoldReading"/> blocks; without one it answers at once.</summary>
    public ResponderGate? Hold { get; set; }

    /// <summary>Completing it lets every <see cref="NeverAnswer"/> responder answer.</summary>
    public TaskCompletionSource LateAnswers { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The raw-echo protocol this side switched to has ended: "input ended", or how it failed.</summary>
    public TaskCompletionSource<string> SwitchedProtocolEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many of the peer's switch commands this side's responder accepted.</summary>
    public int SwitchesAccepted => Volatile.Read(ref _switchesAccepted);

    /// <summary>The responders of this side: <paramref name="others"/> (the interop commands by default), and the race commands.</summary>
    public AmpResponders CreateResponders(AmpResponders? others = null) => (others ?? InteropResponders.Create())
        .AddStopTls()
        .AddStartTls(connection =>
        {
            StartTlsArrived?.Invoke(connection);
            return Tls(connection);
        })
        .AddProtocolSwitch<SwitchProtocol>((command, _) =>
        {
            SwitchArrived?.Invoke();
            Interlocked.Increment(ref _switchesAccepted);
            return command.Protocol == "raw-echo" ? RunRawEchoAsync : throw new UnknownProtocolException($"no protocol named {command.Protocol}");
        })
        .Add<HoldReading, AmpEmptyResponse>(_ =>
        {
            Hold?.Wait();
            return AmpEmptyResponse.Instance;
        })
        .Add<NeverAnswer, AmpEmptyResponse>(async (NeverAnswer _, CancellationToken closing) =>
        {
            await LateAnswers.Task.WaitAsync(closing);
            return AmpEmptyResponse.Instance;
        });

    private async Task RunRawEchoAsync(AmpSwitchedConnection switched)
    {
        try
        {
            await RawEcho.RunAsync(switched);
            SwitchedProtocolEnded.TrySetResult("input ended");
        }
        catch (Exception e)
        {
            SwitchedProtocolEnded.TrySetResult($"failed: {e.GetType().Name}: {e.Message}");
        }
    }
}

/// <summary>
/// Two connections over an in-memory pair, each end's output behind a <see cref="GatedTransport"/>
/// (open unless asked otherwise), both answering the interop commands, StartTLS, StopTLS, the raw-echo switch,
/// <see cref="HoldReading"/> and <see cref="NeverAnswer"/>.
/// </summary>
internal sealed class RacePair : IAsyncDisposable
{
    private RacePair(GatedTransport initiatorOut, GatedTransport acceptorOut, PeerHooks initiatorHooks, PeerHooks acceptorHooks)
    {
        InitiatorOut = initiatorOut;
        AcceptorOut = acceptorOut;
        InitiatorHooks = initiatorHooks;
        AcceptorHooks = acceptorHooks;
        Initiator = AmpConnection.Start(initiatorOut, new AmpConnectionOptions { Responders = initiatorHooks.CreateResponders(), Name = "initiator" });
        Acceptor = AmpConnection.Start(acceptorOut, new AmpConnectionOptions { Responders = acceptorHooks.CreateResponders(), Name = "acceptor" });
    }

    /// <summary>The connection on the transport's initiator end (it loses tie-breaks).</summary>
    public AmpConnection Initiator { get; }

    /// <summary>The connection on the transport's acceptor end (it wins tie-breaks).</summary>
    public AmpConnection Acceptor { get; }

    /// <summary>The initiator's transport: its bytes towards the acceptor pass this gate.</summary>
    public GatedTransport InitiatorOut { get; }

    /// <summary>The acceptor's transport: its bytes towards the initiator pass this gate.</summary>
    public GatedTransport AcceptorOut { get; }

    public PeerHooks InitiatorHooks { get; }

    public PeerHooks AcceptorHooks { get; }

    public static RacePair Create(bool holdInitiatorOutput = false, bool holdAcceptorOutput = false, InMemoryTransportOptions? transport = null)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair(transport);
        return new RacePair(new GatedTransport(initiator, open: !holdInitiatorOutput), new GatedTransport(acceptor, open: !holdAcceptorOutput), new PeerHooks(), new PeerHooks());
    }

    public async ValueTask DisposeAsync()
    {
        // Cleanup only: a connection a bug left hanging must not hang the run as well.
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        foreach (AmpConnection connection in new[] { Initiator, Acceptor })
        {
            try
            {
                if (connection.SwitchedTo is { } switched)
                {
                    await switched.DisposeAsync().AsTask().WaitAsync(bounded.Token);
                }

                await connection.DisposeAsync().AsTask().WaitAsync(bounded.Token);
            }
            catch (OperationCanceledException)
            {
                await TestContext.Out.WriteLineAsync($"cleanup: {connection} did not close");
            }
        }

        await InitiatorOut.CutAsync();
        await AcceptorOut.CutAsync();
    }
}

/// <summary>Seeds, TLS options, start-together and the checks the race tests share.</summary>
internal static partial class Race
{
    public static readonly TlsLayerOptions ClientTls = TestCertificates.ClientOptions(role: TlsRole.Client);
    public static readonly TlsLayerOptions ServerTls = TestCertificates.ServerOptions(role: TlsRole.Server);

    /// <summary>The initiator is always the TLS client, whichever side calls StartTLS.</summary>
    public static TlsLayerOptions TlsFor(AmpConnection connection) =>
        connection.Transport.Role == AmpTransportRole.Initiator ? ClientTls : ServerTls;

    /// <summary>A seed for the test's <see cref="Random"/>, printed; AMP_RACE_SEED replays one.</summary>
    public static int Seed()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("AMP_RACE_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        TestContext.Out.WriteLine($"race seed: {seed} (replay with AMP_RACE_SEED={seed})");
        return seed;
    }

    /// <summary>
    /// Runs each start on its own thread, all released together (the threads spin until every one is
    /// there, so they leave within a fraction of a microsecond), each after its own extra spin to vary who
    /// goes first; returns the tasks they started. A start that throws gives a faulted task.
    /// </summary>
    public static async Task<Task<T>[]> StartTogetherAsync<T>(IReadOnlyList<Func<Task<T>>> starts, IReadOnlyList<int> spins, CancellationToken cancellationToken)
    {
        var started = new Task<T>[starts.Count];
        var threads = new Task[starts.Count];
        int arrived = 0;
        for (int i = 0; i < starts.Count; i++)
        {
            int index = i;
            threads[i] = Task.Factory.StartNew(() =>
            {
                try
                {
                    Interlocked.Increment(ref arrived);
                    SpinUntil(ref arrived, starts.Count, cancellationToken);
                    Thread.SpinWait(spins[index]);
                    started[index] = starts[index]();
                }
                catch (Exception e)
                {
                    started[index] = Task.FromException<T>(e);
                }
            }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        await Task.WhenAll(threads).WaitAsync(cancellationToken);
        return started;
    }

    /// <summary>Spins until <paramref name="counter"/> reaches <paramref name="value"/>: hot at first, then yielding, not to starve the machine.</summary>
    public static void SpinUntil(ref int counter, int value, CancellationToken cancellationToken)
    {
        for (int spins = 0; Volatile.Read(ref counter) < value; spins++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (spins < 2000)
            {
                Thread.SpinWait(1);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>Waits for a task without throwing: its exception, or <see langword="null"/> when it succeeded.</summary>
    public static async Task<Exception?> OutcomeAsync(Task task, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested || task.IsCompleted)
        {
            return e;
        }
        finally
        {
            // WaitAsync hands the fault on without marking the task itself observed.
            if (task.IsFaulted)
            {
                _ = task.Exception;
            }
        }
    }

    /// <summary>Awaits <paramref name="task"/>; if the test's time runs out first, fails naming what never happened.</summary>
    public static Task<T> WaitOrFailAsync<T>(Task<T> task, string what, CancellationToken cancellationToken) =>
        WaitOrFailAsync(task, () => what, cancellationToken);

    /// <summary>As <see cref="WaitOrFailAsync{T}(Task{T}, string, CancellationToken)"/>, describing the state when the time ran out.</summary>
    public static async Task<T> WaitOrFailAsync<T>(Task<T> task, Func<string> what, CancellationToken cancellationToken)
    {
        await WaitOrFailAsync((Task)task, what, cancellationToken);
        return await task;
    }

    /// <summary>Awaits <paramref name="task"/>; if the test's time runs out first, fails naming what never happened.</summary>
    public static Task WaitOrFailAsync(Task task, string what, CancellationToken cancellationToken) =>
        WaitOrFailAsync(task, () => what, cancellationToken);

    /// <summary>As <see cref="WaitOrFailAsync(Task, string, CancellationToken)"/>, describing the state when the time ran out.</summary>
    public static async Task WaitOrFailAsync(Task task, Func<string> what, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"timed out waiting until {what()}");
            throw;
        }
    }

    /// <summary>Runs <paramref name="body"/> for each iteration, saying which one failed.</summary>
    public static async Task RunIterationsAsync(int count, Func<int, Task> body)
    {
        for (int i = 0; i < count; i++)
        {
            try
            {
                await body(i);
            }
            catch (Exception)
            {
                await TestContext.Out.WriteLineAsync($"failed in iteration {i} of {count}");
                throw;
            }
        }
    }

    /// <summary>The number of calls waiting for an answer, from the connection's diagnostic summary.</summary>
    public static int PendingCalls(AmpConnection connection)
    {
        Match match = PendingCallsPattern().Match(connection.ToString());
        Assert.That(match.Success, Is.True, $"no pending-calls in '{connection}'");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Describes a connection for an assertion message: state, layers and, once ended, why.</summary>
    public static string Describe(AmpConnection connection) =>
        connection.Completion.IsCompleted
            ? $"{connection} ended: {connection.Completion.Result.Reason}: {connection.Completion.Result.Message}"
            : connection.ToString();

    /// <summary>Both connections up, on the same number of layers, and a Sum and a PeerInfo going each way.</summary>
    public static async Task AssertUpAndAgreeingAsync(RacePair pair, int expectedDepth, CancellationToken cancellationToken)
    {
        Assert.That(pair.Initiator.IsConnected, Is.True, Describe(pair.Initiator));
        Assert.That(pair.Acceptor.IsConnected, Is.True, Describe(pair.Acceptor));
        await AssertCallsWorkAsync(pair.Initiator, expectedDepth, cancellationToken);
        await AssertCallsWorkAsync(pair.Acceptor, expectedDepth, cancellationToken);
        Assert.That((pair.Initiator.LayerDepth, pair.Acceptor.LayerDepth), Is.EqualTo((expectedDepth, expectedDepth)),
            $"layer depths; {Describe(pair.Initiator)}; {Describe(pair.Acceptor)}");
    }

    private static async Task AssertCallsWorkAsync(AmpConnection from, int expectedDepth, CancellationToken cancellationToken)
    {
        Task<SumResult> sum = from.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken);
        Exception? failure = await OutcomeAsync(sum, cancellationToken);
        Assert.That(failure, Is.Null, $"a Sum from {from.Name} failed; {Describe(from)}");
        Assert.That(sum.Result.Total, Is.EqualTo(new BigInteger(42)));
        PeerInfoResult info = await from.CallRemoteAsync(new PeerInfo(), cancellationToken).WaitAsync(cancellationToken);
        Assert.That(info.Tls, Is.EqualTo(expectedDepth > 0), $"the peer of {from.Name} handled PeerInfo with TLS");
    }

    [GeneratedRegex(@"pending-calls=(\d+)")]
    private static partial Regex PendingCallsPattern();
}
