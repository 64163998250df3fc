using System.Numerics;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Integration;

/// <summary>
/// <see cref="AmpResponders.AddObject{T}(Func{AmpConnection, T})"/>: the marked methods of a type, called on an
/// object chosen per connection (here one kept in <see cref="AmpConnection.Items"/>).
/// </summary>
[CancelAfter(20000)]
public sealed class PerConnectionResponderTests
{
    /// <summary>Keeps a running total for its connection.</summary>
    public sealed class RunningTotal
    {
        private BigInteger _total;

        public AmpConnection? Connection { get; init; }

        [AmpResponder]
        public SumResult Add(Sum sum, AmpConnection connection)
        {
            Assert.That(connection, Is.SameAs(Connection), "the method gets the connection its object was chosen for");
            lock (this)
            {
                _total += sum.A + sum.B;
                return new SumResult { Total = _total };
            }
        }

        [AmpResponder]
        public async Task<DelayResult> Wait(Delay delay, CancellationToken cancellationToken)
        {
            await Task.Delay(delay.Ms, cancellationToken);
            return new DelayResult { Value = delay.Value };
        }
    }

    // Deliberately invalid: the analyzer's AMP029 is what a user would see; this checks the run-time refusal.
#pragma warning disable AMP029
    private sealed class NotResponding
    {
        [AmpResponder]
        public int Bad(string notACommand) => notACommand.Length;
    }
#pragma warning restore AMP029

    [Test]
    public async Task EachConnectionIsAnsweredByItsOwnObject(CancellationToken cancellationToken)
    {
        int resolved = 0;
        AmpResponders table = new AmpResponders().AddObject(connection =>
        {
            Interlocked.Increment(ref resolved);
            return connection.Items.GetOrAdd(() => new RunningTotal { Connection = connection });
        });
        Assert.That(table.CommandNames, Is.EquivalentTo(new[] { "Sum", "Delay" }));

        var (clientA, serverA) = InMemoryTransport.CreatePair();
        var (clientB, serverB) = InMemoryTransport.CreatePair();
        await using var a = AmpConnection.Start(clientA);
        await using var b = AmpConnection.Start(clientB);
        await using var servingA = AmpConnection.Start(serverA, new AmpConnectionOptions { Responders = table });
        await using var servingB = AmpConnection.Start(serverB, new AmpConnectionOptions { Responders = table });

        Assert.That((await a.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
        Assert.That((await b.CallRemoteAsync(new Sum { A = 10, B = 20 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(30)));
        Assert.That((await a.CallRemoteAsync(new Sum { A = 4, B = 0 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(7)));
        Assert.That((await b.CallRemoteAsync(new Delay { Ms = 0, Value = 5 }, cancellationToken)).Value, Is.EqualTo(5));

        Assert.Multiple(() =>
        {
            Assert.That(resolved, Is.EqualTo(4), "the object is chosen for every call");
            Assert.That(servingA.Items.Get<RunningTotal>(), Is.Not.SameAs(servingB.Items.Get<RunningTotal>()));
        });
    }

    [Test]
    public async Task AChooserThatThrowsAnswersUnknownAndTheConnectionStaysUp(CancellationToken cancellationToken)
    {
        bool refuse = true;
        AmpResponders table = new AmpResponders().AddObject<RunningTotal>(connection =>
            refuse ? throw new InvalidOperationException("no object for this connection") : connection.Items.GetOrAdd(() => new RunningTotal { Connection = connection }));
        var (client, server) = InMemoryTransport.CreatePair();
        await using var caller = AmpConnection.Start(client);
        await using var serving = AmpConnection.Start(server, new AmpConnectionOptions { Responders = table });

        AmpRemoteException e = Assert.ThrowsAsync<AmpRemoteException>(() => caller.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken))!;
        Assert.That(e.ErrorCode, Is.EqualTo("UNKNOWN"));
        refuse = false;
        Assert.That((await caller.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(3)));
    }

    [Test]
    public void AnInvalidMethodIsRefusedWhenAddedAndAddsNothing()
    {
        var table = new AmpResponders();
        Assert.Throws<AmpDefinitionException>(() => table.AddObject<NotResponding>(_ => new NotResponding()));
        Assert.That(table.CommandNames, Is.Empty);
        Assert.Throws<ArgumentNullException>(() => table.AddObject<RunningTotal>(null!));
    }
}
