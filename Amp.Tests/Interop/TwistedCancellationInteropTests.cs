using Amp.Tests.TestUtilities;

namespace Amp.Tests.Interop;

/// <summary>
/// Cancellation and call timeouts against a real Twisted server (spec §15.5): they act on this side only;
/// Twisted sees the hello once (and answers UNHANDLED), never a _cancel or a _timeout, and the connection goes on.
/// </summary>
[CancelAfter(30000)]
public sealed class TwistedCancellationInteropTests : TwistedServerFixture
{
    [Test]
    public async Task Cancelled_and_timed_out_calls_to_Twisted_end_here_and_the_connection_goes_on(CancellationToken cancellationToken)
    {
        await using AmpConnection connection = await ConnectAsync(cancellationToken);

        using var cancel = new CancellationTokenSource();
        Task<DelayResult> cancelled = connection.CallRemoteAsync(new Delay { Ms = 300, Value = 1 }, cancel.Token);
        cancel.Cancel();
        Assert.That(cancelled.IsCompleted, Is.True);
        Assert.CatchAsync<OperationCanceledException>(() => cancelled);

        Assert.ThrowsAsync<TimeoutException>(() => connection.CallRemoteAsync(new Delay { Ms = 300, Value = 2 }, TimeSpan.FromMilliseconds(50), cancellationToken));
        Assert.That(await connection.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.None), "the hello the cancel sent was answered UNHANDLED");

        // The late answers of both Delays arrive and are dropped; the connection serves the next calls.
        Assert.That((await connection.CallRemoteAsync(new Delay { Ms = 400, Value = 3 }, cancellationToken)).Value, Is.EqualTo(3));
        Assert.That((int)(await connection.CallRemoteAsync(new Sum { A = 40, B = 2 }, TimeSpan.FromSeconds(20), cancellationToken)).Total, Is.EqualTo(42));
        Assert.That(connection.IsConnected, Is.True);
        Assert.That(ServerErrors, Does.Not.Contain("Traceback"));
    }
}
