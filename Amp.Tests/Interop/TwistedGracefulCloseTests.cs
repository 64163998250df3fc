using System.Numerics;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Interop;

/// <summary>
/// A graceful close against a real Twisted server (twisted_peer.py): Twisted answers the hello
/// <c>UNHANDLED</c>, so it is never sent a going-away box; the calls in flight both ways still finish.
/// </summary>
[CancelAfter(30000)]
public sealed class TwistedGracefulCloseTests : TwistedServerFixture
{
    [Test]
    public async Task ACallInFlightIsAnsweredThenTheConnectionCloses(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);
        Task<DelayResult> call = connection.CallRemoteAsync(new Delay { Ms = 200, Value = 7 }, cancellationToken);

        await connection.CloseAsync(cancellationToken);

        // A going-away box would have made Twisted drop the connection (a box with no _command, _answer or _error).
        Assert.That((await call).Value, Is.EqualTo(7));
        Assert.That((await connection.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }

    [Test]
    public async Task TwistedsCallBackDuringTheCloseIsAnsweredAndOurCallCompletes(CancellationToken cancellationToken)
    {
        // Twisted's CallMeBack calls Sum on us; our Sum waits until the close has begun.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var responders = new AmpResponders().Add<Sum, SumResult>(async (sum, _, token) =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(token);
            return new SumResult { Total = sum.A + sum.B };
        });
        await using AmpConnection connection = await ConnectAsync(cancellationToken, new AmpConnectionOptions { Responders = responders });
        Task<SumResult> call = connection.CallRemoteAsync(new CallMeBack { A = 20, B = 22 }, cancellationToken);
        await entered.Task.WaitAsync(cancellationToken);

        ValueTask closing = connection.CloseAsync(cancellationToken);
        Assert.ThrowsAsync<AmpConnectionClosingException>(() => connection.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken));
        Assert.That(call.IsCompleted, Is.False, "Twisted answers CallMeBack only once we answer its Sum");
        release.TrySetResult();

        Assert.That((await call).Total, Is.EqualTo(new BigInteger(42)));
        await closing;
        Assert.That((await connection.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }
}
