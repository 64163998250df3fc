using Amp.Transports;

namespace Amp.Tests.Unit.Connection;

/// <summary><see cref="AmpConnection.Items"/>: one object per type and connection, created once however many ask at once.</summary>
[CancelAfter(10000)]
public sealed class AmpConnectionItemsTests
{
    private sealed class Session
    {
        public int Number { get; init; }
    }

    private sealed class Other;

    [Test]
    public async Task EachConnectionHasItsOwnItemsFoundByType()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        await using var first = AmpConnection.Start(a);
        await using var second = AmpConnection.Start(b);

        var session = new Session { Number = 1 };
        first.Items.Set(session);
        Assert.Multiple(() =>
        {
            Assert.That(first.Items.Get<Session>(), Is.SameAs(session));
            Assert.That(first.Items.Get<Other>(), Is.Null);
            Assert.That(first.Items.Count, Is.EqualTo(1));
            Assert.That(second.Items.Get<Session>(), Is.Null, "another connection's items are its own");
            Assert.That(second.Items.Count, Is.Zero);
        });

        var replacement = new Session { Number = 2 };
        first.Items.Set(replacement);
        Assert.That(first.Items.Get<Session>(), Is.SameAs(replacement));
        Assert.That(first.Items.Remove<Session>(), Is.SameAs(replacement));
        Assert.That(first.Items.Remove<Session>(), Is.Null);
        Assert.That(first.Items.Get<Session>(), Is.Null);
    }

    [Test]
    public async Task GetOrAddCreatesOnceWhenManyAskAtOnce()
    {
        var (a, _) = InMemoryTransport.CreatePair();
        await using var connection = AmpConnection.Start(a);
        int created = 0;
        using var start = new Barrier(4);
        Session[] seen = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return connection.Items.GetOrAdd(() => new Session { Number = Interlocked.Increment(ref created) });
        })));

        Assert.Multiple(() =>
        {
            Assert.That(created, Is.EqualTo(1));
            Assert.That(seen.Distinct(), Has.Exactly(1).Items);
            Assert.That(connection.Items.Get<Session>(), Is.SameAs(seen[0]));
        });
    }

    [Test]
    public async Task NullsAreRefused()
    {
        var (a, _) = InMemoryTransport.CreatePair();
        await using var connection = AmpConnection.Start(a);
        Assert.Throws<ArgumentNullException>(() => connection.Items.Set<Session>(null!));
        Assert.Throws<ArgumentNullException>(() => connection.Items.GetOrAdd<Session>(null!));
        ArgumentNullException e = Assert.Throws<ArgumentNullException>(() => connection.Items.GetOrAdd<Session>(() => null!))!;
        Assert.That(e.Message, Does.Contain("Session"));
        Assert.That(connection.Items.Count, Is.Zero);
    }
}
