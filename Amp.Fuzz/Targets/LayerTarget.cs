using Amp.Boxes;
using Amp.Transports;

namespace Amp.Fuzz.Targets;

/// <summary>
/// The layer transitions: an <see cref="AmpConnection"/> (and so its <see cref="BinaryBoxProtocol"/>) over an
/// in-memory transport, whose peer is a script of the input's choosing: raw bytes, boxes (calls, answers,
/// errors, StartFrame / StopFrame layer changes, protocol switches), the peer's own frame pushes and pops,
/// and this side's calls, layer changes, switches, cancellations and close.
/// </summary>
/// <remarks>
/// <para>Input: <c>[config] [op] [op] ...</c>; see <see cref="LayerScript"/> for the ops and the config bits.</para>
/// <para>Invariants, after the script the peer closes its end and then:</para>
/// <list type="number">
/// <item>the connection completes (no hang), and its <see cref="AmpConnection.Completion"/> does not fault;</item>
/// <item>every call, change, switch and close this side started completes, successfully or with an
/// exception of the kinds the API documents (<see cref="AmpException"/>s, the commands' declared errors,
/// <see cref="OperationCanceledException"/> for a cancelled call, <see cref="InvalidOperationException"/> for
/// a change refused before sending);</item>
/// <item>disposing the connection completes, and its output ends;</item>
/// <item>nothing it logged carries an exception that means a bug (<see cref="FuzzLog"/>).</item>
/// </list>
/// <para>A hang is reported after <see cref="HangAfter"/>, far above the milliseconds a script takes.</para>
/// </remarks>
public static class LayerTarget
{
    /// <summary>How long a wait may take before it counts as a hang.</summary>
    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// With <c>AMP_FUZZ_STALL_MS=N</c> (read by the fuzzing host only, never by the test suite, which sets no
    /// wall-clock limits), a connection that completes more than N ms after the peer closed is a finding: its
    /// close waited for a timer (BinaryBoxProtocol's 5-second close-flush timeout) instead of an event.
    /// </summary>
    public static TimeSpan? StallAfter { get; set; }

    /// <summary>With <c>AMP_FUZZ_VERBOSE=1</c>, each run prints its ops and how each operation ended (to triage a finding).</summary>
    public static readonly bool Verbose = Environment.GetEnvironmentVariable("AMP_FUZZ_VERBOSE") == "1";

    /// <summary>Runs one input.</summary>
    /// <param name="input">The config byte, then the ops.</param>
    public static void Run(ReadOnlySpan<byte> input)
    {
        byte[] script = input.ToArray();
        Task run = Task.Run(() => RunAsync(script));
        using (var timer = new CancellationTokenSource())
        {
            // libFuzzer calls the target synchronously, one input at a time, so the harness must block here
            // (this is a test program, not library code). RunAsync reports its own hangs; this only catches
            // one in the harness itself.
            if (Task.WhenAny(run, Task.Delay(HangAfter * 4, timer.Token)).GetAwaiter().GetResult() != run)
            {
                throw new FuzzInvariantException("hang: the script did not finish");
            }

            timer.Cancel();
        }

        run.GetAwaiter().GetResult();
    }

    /// <summary>Runs one input.</summary>
    /// <param name="script">The config byte, then the ops.</param>
    /// <returns>A task that completes when every invariant is checked.</returns>
    public static async Task RunAsync(byte[] script)
    {
        var reader = new LayerScript(script);
        byte config = reader.Next();
        (InMemoryTransport ours, InMemoryTransport theirs) = InMemoryTransport.CreatePair(LayerScript.TransportOptions(config));
        using var end = new CancellationTokenSource();
        var log = new FuzzLog();
        AmpConnection connection = AmpConnection.Start(ours, LayerScript.ConnectionOptions(config, LayerResponders.Create(end.Token), log));
        var peer = new FuzzPeer(theirs);
        var local = new List<LocalOp>();
        try
        {
            while (!reader.AtEnd && reader.Steps < LayerScript.MaxSteps)
            {
                await reader.StepAsync(peer, connection, local).ConfigureAwait(false);
            }

            await peer.CompleteAsync().ConfigureAwait(false);
            end.Cancel();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Task<AmpConnectionLostException> completion = connection.Completion;
            await WaitAsync(completion, "the connection's completion", connection).ConfigureAwait(false);
            FuzzInvariantException.Check(completion.IsCompletedSuccessfully, $"the connection's completion is {completion.Status}");
            if (Verbose)
            {
                Console.Error.WriteLine($"completed {clock.ElapsedMilliseconds} ms after the peer closed: {connection}");
            }

            if (StallAfter is { } stall && clock.Elapsed > stall)
            {
                throw new FuzzInvariantException($"stall: the connection completed {clock.ElapsedMilliseconds} ms after the peer closed ({completion.Result.Message}); {connection}");
            }

            CheckReason(completion.Result);
            foreach (LocalOp op in local)
            {
                await ExpectAsync(op, connection).ConfigureAwait(false);
            }

            await WaitAsync(connection.DisposeAsync().AsTask(), "disposing the connection", connection).ConfigureAwait(false);
            await WaitAsync(peer.Draining, "the end of the connection's output", connection).ConfigureAwait(false);
            await theirs.DisposeAsync().ConfigureAwait(false);
            log.Check();
        }
        finally
        {
            if (Verbose)
            {
                Console.Error.WriteLine(string.Join(Environment.NewLine, reader.Trace.Prepend($"config {config:x2}")));
                Console.Error.WriteLine($"end: {connection}; completion {connection.Completion.Status}: {(connection.Completion.IsCompletedSuccessfully ? connection.Completion.Result.Message : "")}");
                foreach (LocalOp op in local)
                {
                    Console.Error.WriteLine($"  {op.What}: {op.Task.Status} {op.Task.Exception?.InnerException?.GetType().Name} {op.Task.Exception?.InnerException?.Message}");
                }
            }

            foreach (LocalOp op in local)
            {
                op.Cancel.Dispose();
            }
        }
    }

    /// <summary>
    /// Why the connection ended must be an answer, not an accident: no exception in the reason that only a bug
    /// throws, and no transport failure except the frame layer's (the in-memory transport cannot fail).
    /// </summary>
    private static void CheckReason(AmpConnectionLostException lost)
    {
        if (FuzzLog.FindBug(lost) is { } bug)
        {
            throw new FuzzInvariantException($"the connection ended ({lost.Reason}) with {bug.GetType().FullName}: {lost.Message}", lost);
        }

        bool layerFailed = false;
        for (Exception? e = lost.InnerException; e is not null; e = e.InnerException)
        {
            layerFailed |= e is IOException;
        }

        if (lost.Reason == AmpDisconnectReason.TransportError && !layerFailed)
        {
            throw new FuzzInvariantException($"the connection ended as a transport failure over a transport that cannot fail: {lost.Message}", lost);
        }
    }

    private static async Task WaitAsync(Task task, string what, AmpConnection connection)
    {
        try
        {
            await task.WaitAsync(HangAfter).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new FuzzInvariantException($"hang: {what} did not complete; {connection}");
        }
    }

    private static async Task ExpectAsync(LocalOp op, AmpConnection connection)
    {
        try
        {
            await WaitAsync(op.Task, op.What, connection).ConfigureAwait(false);
        }
        catch (FuzzInvariantException)
        {
            throw;
        }
        catch (Exception e) when (e is AmpException or OperationCanceledException or EchoFailedException or UnknownFuzzProtocolException
            || (e is InvalidOperationException && e is not ObjectDisposedException))
        {
            // A documented way for the operation to fail.
        }
        catch (Exception e)
        {
            throw new FuzzInvariantException($"{op.What} failed with {e.GetType().FullName}: {e.Message}", e);
        }
    }
}

/// <summary>An operation this side started: a call, a change, a switch or a close.</summary>
/// <param name="What">What it is, for messages.</param>
/// <param name="Task">Its task.</param>
/// <param name="Cancel">Cancels it.</param>
internal sealed record LocalOp(string What, Task Task, CancellationTokenSource Cancel);

/// <summary>Runs what this side does after a switch it asked for: reads the new protocol's input to its end.</summary>
internal static class SwitchedSide
{
    public static async Task RunAsync(AmpConnection connection, string protocol, CancellationToken cancellationToken)
    {
        AmpSwitchedConnection switched = await connection.SwitchProtocolAsync(new FuzzSwitch { Protocol = protocol }, cancellationToken).ConfigureAwait(false);
        await using (switched.ConfigureAwait(false))
        {
            await LayerResponders.ReadToEndAsync(switched.Pipe.Input).ConfigureAwait(false);
        }
    }

    public static AmpBox Call(byte tag, string command, params (string Key, string Value)[] arguments)
    {
        AmpBox box = FuzzPeer.Box(arguments);
        box.SetString("_command", command);
        if (tag != 0)
        {
            box.SetString("_ask", FuzzPeer.Tag(tag));
        }

        return box;
    }
}
