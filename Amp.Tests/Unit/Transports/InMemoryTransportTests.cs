using System.Buffers;
using System.IO.Pipelines;
using Amp.Transports;
using static Amp.Tests.Unit.Transports.TransportTestHelpers;

namespace Amp.Tests.Unit.Transports;

public sealed class InMemoryTransportTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task BytesArriveIntactBothWays(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using (initiator)
        await using (acceptor)
        {
            Assert.That(initiator.Role, Is.EqualTo(AmpTransportRole.Initiator));
            Assert.That(acceptor.Role, Is.EqualTo(AmpTransportRole.Acceptor));
            await AssertExchangeAsync(initiator, acceptor, 300_000, 8192, cancellationToken);
        }
    }

    [Test]
    [CancelAfter(10000)]
    public async Task OneBytePerReadDeliversEveryByteSeparately(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = 1 });
        await using (initiator)
        await using (acceptor)
        {
            byte[] payload = Payload(2000, seed: 1);
            await initiator.Output.WriteAsync(payload, cancellationToken);
            await initiator.Output.CompleteAsync();

            var received = new List<byte>();
            int reads = 0;
            while (true)
            {
                ReadResult result = await acceptor.Input.ReadAsync(cancellationToken);
                reads++;
                Assert.That(result.Buffer.Length, Is.LessThanOrEqualTo(1));
                received.AddRange(result.Buffer.ToArray());
                acceptor.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            Assert.That(received, Is.EqualTo(payload));
            Assert.That(reads, Is.GreaterThanOrEqualTo(payload.Length));
        }
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UnconsumedBytesStayVisibleAndEachReadRevealsAtMostTheLimit(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = 3 });
        await using (initiator)
        await using (acceptor)
        {
            byte[] payload = Payload(20, seed: 2);
            await initiator.Output.WriteAsync(payload, cancellationToken);

            long seen = 0;
            while (seen < payload.Length)
            {
                ReadResult result = await acceptor.Input.ReadAsync(cancellationToken);
                Assert.That(result.Buffer.Length - seen, Is.InRange(1, 3));
                seen = result.Buffer.Length;
                Assert.That(result.Buffer.ToArray(), Is.EqualTo(payload.AsSpan(0, (int)seen).ToArray()));

                // Examine everything, consume nothing: what a parser does with an incomplete message.
                acceptor.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RandomSplitsDeliverIntactBytes(CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount;
        TestContext.Out.WriteLine($"split seed: {seed}");
        var options = new InMemoryTransportOptions { SplitSeed = seed, MaxBytesPerRead = 700 };
        var (initiator, acceptor) = InMemoryTransport.CreatePair(options);
        await using (initiator)
        await using (acceptor)
        {
            await AssertExchangeAsync(initiator, acceptor, 100_000, 4096, cancellationToken);
        }
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RandomSplitsChangeReadSizes(CancellationToken cancellationToken)
    {
        int seed = Environment.TickCount;
        TestContext.Out.WriteLine($"split seed: {seed}");
        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { SplitSeed = seed });
        await using (initiator)
        await using (acceptor)
        {
            byte[] payload = Payload(10_000, seed: 3);
            await initiator.Output.WriteAsync(payload, cancellationToken);
            await initiator.Output.CompleteAsync();

            var sizes = new HashSet<long>();
            var received = new List<byte>();
            while (true)
            {
                ReadResult result = await acceptor.Input.ReadAsync(cancellationToken);
                sizes.Add(result.Buffer.Length);
                received.AddRange(result.Buffer.ToArray());
                acceptor.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            Assert.That(received, Is.EqualTo(payload));
            Assert.That(sizes, Has.Count.GreaterThan(1));
        }
    }

    [Test]
    [CancelAfter(10000)]
    public async Task CompletingOutputCompletesThePeersInput(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using (initiator)
        await using (acceptor)
        {
            await initiator.Output.WriteAsync(new byte[] { 1, 2, 3 }, cancellationToken);
            await initiator.Output.CompleteAsync();

            Assert.That(await ReadToEndAsync(acceptor.Input, cancellationToken), Is.EqualTo(new byte[] { 1, 2, 3 }));

            // The other direction still works.
            await AssertOneWayAsync(acceptor, initiator, cancellationToken);
        }
    }

    [Test]
    [CancelAfter(10000)]
    public async Task DisposeEndsBothDirectionsAndIsIdempotent(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        ValueTask<ReadResult> pendingOwnRead = initiator.Input.ReadAsync(cancellationToken);

        await initiator.DisposeAsync();
        await initiator.DisposeAsync();

        ReadResult own = await pendingOwnRead.AsTask().WaitAsync(cancellationToken);
        Assert.That(own.IsCanceled || own.IsCompleted, Is.True);

        ReadResult peer = await acceptor.Input.ReadAsync(cancellationToken);
        Assert.That(peer.IsCompleted, Is.True);
        FlushResult flush = await acceptor.Output.WriteAsync(new byte[] { 1 }, cancellationToken);
        Assert.That(flush.IsCompleted, Is.True);
        await acceptor.DisposeAsync();
    }

    [Test]
    [CancelAfter(10000)]
    public async Task APeerThatDoesNotReadMakesFlushWait(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBufferedBytes = 256 * 1024 });
        await using (initiator)
        await using (acceptor)
        {
            var (pendingFlush, written) = await WriteUntilBlockedAsync(initiator.Output, 8 * 1024 * 1024, TimeSpan.FromMilliseconds(200), cancellationToken);
            Assert.That(written, Is.LessThanOrEqualTo(512 * 1024));

            await DrainUntilAsync(acceptor.Input, pendingFlush, cancellationToken);
            FlushResult flush = await pendingFlush.WaitAsync(cancellationToken);
            Assert.That(flush.IsCompleted, Is.False);
        }
    }

    private static async Task AssertOneWayAsync(AmpTransport from, AmpTransport to, CancellationToken cancellationToken)
    {
        byte[] payload = Payload(1000, seed: 4);
        await from.Output.WriteAsync(payload, cancellationToken);
        Assert.That(await ReadExactlyAsync(to.Input, payload.Length, cancellationToken), Is.EqualTo(payload));
    }
}
