using Amp.Compression;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Integration;

/// <summary>A command without arguments that answers with no fields.</summary>
public sealed class Poke : IAmpCommand<AmpEmptyResponse>;

/// <summary>A command without arguments whose answer has fields (its overload comes from Amp.Generators).</summary>
public sealed class WhoAreYou : IAmpCommand<PeerIdentity>;

public sealed class PeerIdentity
{
    [AmpArgument("name")] public string Name { get; init; } = "";
}

/// <summary>A command without arguments that is never answered.</summary>
public sealed class Stall : IAmpCommand<AmpEmptyResponse>;

/// <summary><c>CallRemoteAsync&lt;TCommand&gt;()</c>: a command without arguments called with one type argument.</summary>
[CancelAfter(30000)]
public sealed class ArgumentlessCallTests
{
    [Test]
    public async Task ACommandWithAnEmptyAnswerIsCalledByItsTypeAlone(CancellationToken cancellationToken)
    {
        int pokes = 0;
        await using ConnectedPair pair = Create(responders => responders.Add<Poke, AmpEmptyResponse>(_ =>
        {
            Interlocked.Increment(ref pokes);
            return AmpEmptyResponse.Instance;
        }));

        AmpEmptyResponse answer = await pair.Client.CallRemoteAsync<Poke>(cancellationToken);
        Assert.That(answer, Is.Not.Null);
        await pair.Server.CallRemoteAsync<Poke>(cancellationToken);
        Assert.That(Volatile.Read(ref pokes), Is.EqualTo(2), "both sides called");
    }

    [Test]
    public async Task ACommandWithFieldsInItsAnswerIsCalledByItsTypeAloneThroughTheGeneratedOverload(CancellationToken cancellationToken)
    {
        await using ConnectedPair pair = Create(responders => responders.Add<WhoAreYou, PeerIdentity>(
            (WhoAreYou _, AmpConnection connection, CancellationToken _) => new ValueTask<PeerIdentity>(new PeerIdentity { Name = connection.Name })));

        PeerIdentity server = await pair.Client.CallRemoteAsync<WhoAreYou>(cancellationToken);
        PeerIdentity client = await pair.Server.CallRemoteAsync<WhoAreYou>(TimeSpan.FromMinutes(1), cancellationToken);
        Assert.That((server.Name, client.Name), Is.EqualTo(("server", "client")));
    }

    [Test]
    public async Task TheTimeoutOverloadFailsWithTimeoutException(CancellationToken cancellationToken)
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ConnectedPair pair = Create(responders => responders.Add<Stall, AmpEmptyResponse>(async (Stall _, CancellationToken token) =>
        {
            stalled.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return AmpEmptyResponse.Instance;
        }));

        Assert.ThrowsAsync<TimeoutException>(() => pair.Client.CallRemoteAsync<Stall>(TimeSpan.FromMilliseconds(100), cancellationToken));
        await stalled.Task.WaitAsync(cancellationToken);
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pair.Client.CallRemoteAsync<Stall>(TimeSpan.Zero, cancellationToken));
    }

    [Test]
    public async Task TheCancellationTokenStopsTheCall(CancellationToken cancellationToken)
    {
        await using ConnectedPair pair = Create(responders => responders.Add<Stall, AmpEmptyResponse>(async (Stall _, CancellationToken token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return AmpEmptyResponse.Instance;
        }));

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<AmpEmptyResponse> call = pair.Client.CallRemoteAsync<Stall>(cancel.Token);
        await cancel.CancelAsync();
        var cancelled = Assert.CatchAsync<OperationCanceledException>(() => call);
        Assert.That(cancelled!.CancellationToken, Is.EqualTo(cancel.Token));

        using var already = new CancellationTokenSource();
        await already.CancelAsync();
        Assert.That(pair.Client.CallRemoteAsync<Poke>(already.Token).IsCanceled, Is.True, "nothing is sent for a token cancelled before the call");
    }

    [Test]
    public async Task ALayerCommandWithoutArgumentsChangesTheStack(CancellationToken cancellationToken)
    {
        await using ConnectedPair pair = Create(responders => responders.AddStartCompression().AddStopCompression());

        await pair.Client.CallRemoteAsync<StartCompression>(cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((1, 1)));
        Assert.That(pair.Client.Layers, Does.EndWith(" | deflate"));

        await pair.Server.CallRemoteAsync<StopCompression>(cancellationToken);
        await Amp.Tests.Tls.StartTlsTests.AssertCallsWorkAsync(pair, cancellationToken);
        Assert.That((pair.Client.LayerDepth, pair.Server.LayerDepth), Is.EqualTo((0, 0)));
    }

    private static ConnectedPair Create(Action<AmpResponders> configure) => ConnectedPair.Create(configure: configure);
}
