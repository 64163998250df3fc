using System.Diagnostics;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Integration;

/// <summary><see cref="AmpConnectionOptions.CallTimeout"/>: a call without an answer in time fails with <see cref="TimeoutException"/>.</summary>
[CancelAfter(30000)]
public sealed class CallTimeoutTests
{
    [Test]
    public async Task ACallWithoutAnAnswerInTimeFailsWithTimeoutAndItsLateAnswerIsDropped(CancellationToken cancellationToken)
    {
        await using Pair pair = Pair.Start(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        Task<DelayResult> slow = pair.Client.CallRemoteAsync(new Delay { Ms = 1500, Value = 1 }, cancellationToken);
        var timeout = Assert.ThrowsAsync<TimeoutException>(() => slow);
        Assert.That(clock.Elapsed, Is.InRange(TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(1.2)));
        Assert.That(timeout!.Message, Does.Contain("no answer within 0.2 s"));

        // A quick call is answered; the slow call's answer arrives later and is dropped, the connection stays up.
        Assert.That((await pair.Client.CallRemoteAsync(new Delay { Ms = 0, Value = 2 }, cancellationToken)).Value, Is.EqualTo(2));
        await Task.Delay(1600, cancellationToken);
        Assert.That(pair.Client.IsConnected, Is.True);
        Assert.That((await pair.Client.CallRemoteAsync(new Delay { Ms = 0, Value = 3 }, cancellationToken)).Value, Is.EqualTo(3));
    }

    [Test]
    public async Task CallsAnsweredInTimeAreUnaffected(CancellationToken cancellationToken)
    {
        await using Pair pair = Pair.Start(TimeSpan.FromSeconds(5));
        var calls = new Task<DelayResult>[200];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = pair.Client.CallRemoteAsync(new Delay { Ms = i % 3, Value = i }, cancellationToken);
        }

        DelayResult[] results = await Task.WhenAll(calls);
        Assert.That(results.Select(r => r.Value), Is.EqualTo(Enumerable.Range(0, 200).Select(i => (long)i)));
    }

    [Test]
    public async Task WithoutATimeoutACallWaitsAsInTwisted(CancellationToken cancellationToken)
    {
        await using Pair pair = Pair.Start(Timeout.InfiniteTimeSpan);
        Assert.That((await pair.Client.CallRemoteAsync(new Delay { Ms = 600, Value = 7 }, cancellationToken)).Value, Is.EqualTo(7));
    }

    [Test]
    public async Task StartTlsIsNotTimedOutByTheCallTimeout(CancellationToken cancellationToken)
    {
        // The answering side takes longer than the call timeout to answer StartTLS; the change still completes.
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        var serverResponders = new AmpResponders().AddStartTls(_ =>
        {
            Thread.Sleep(400);   // a slow decision, longer than the caller's call timeout
            return TestCertificates.ServerOptions(role: TlsRole.Server);
        });
        await using AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Responders = serverResponders });
        await using AmpConnection client = AmpConnection.Start(initiator, new AmpConnectionOptions { CallTimeout = TimeSpan.FromMilliseconds(100) });
        TlsConnectionInfo tls = await client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        Assert.That(tls.Protocol, Is.Not.EqualTo(System.Security.Authentication.SslProtocols.None));
        Assert.That(client.LayerDepth, Is.EqualTo(1));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void ANonPositiveTimeoutIsRefused(int milliseconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new AmpConnectionOptions { CallTimeout = TimeSpan.FromMilliseconds(milliseconds) });

    private sealed class Pair(AmpConnection client, AmpConnection server) : IAsyncDisposable
    {
        public AmpConnection Client { get; } = client;

        public static Pair Start(TimeSpan callTimeout)
        {
            var (initiator, acceptor) = InMemoryTransport.CreatePair();
            AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Responders = new AmpResponders().AddObject(new InteropResponders()) });
            AmpConnection client = AmpConnection.Start(initiator, new AmpConnectionOptions { CallTimeout = callTimeout });
            return new Pair(client, server);
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await server.DisposeAsync();
        }
    }
}
