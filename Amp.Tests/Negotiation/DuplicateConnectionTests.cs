using Amp.Negotiation;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.Negotiation;

/// <summary>
/// The duplicate-connection rule (spec §16.7): one connection per peer and target. Two nodes that dial each other at the
/// same moment end with exactly one connection, the same on both sides; a peer that dials again after giving its
/// connection up, or that restarted, replaces it.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class DuplicateConnectionTests
{
    private const string Target = "mesh";

    [Test]
    public async Task Two_nodes_dialling_each_other_at_once_end_with_exactly_one_connection_both_agree_on()
    {
        CancellationToken cancellationToken = TestContext.CurrentContext.CancellationToken;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("AMP_NEGOTIATION_SEED"), out int fixedSeed) ? fixedSeed : Random.Shared.Next();
        TestContext.Out.WriteLine($"seed {seed} (AMP_NEGOTIATION_SEED={seed} replays it)");
        var random = new Random(seed);
        AmpNegotiator alice = Node("alice");
        AmpNegotiator bob = Node("bob");
        var survivors = new Dictionary<string, int>();
        for (int round = 0; round < 30; round++)
        {
            await using var network = new InMemoryNetwork { TransportOptions = new InMemoryTransportOptions { SplitSeed = random.Next() } };
            network.Listen("alice.example", 1, Serving(Target, alice));
            network.Listen("bob.example", 1, Serving(Target, bob));
            int aliceYields = random.Next(0, 50);
            int bobYields = random.Next(0, 50);
            Task<AmpNegotiationResult> aliceDials = DialAfterYieldsAsync(alice, "bob.example", network, aliceYields, cancellationToken);
            Task<AmpNegotiationResult> bobDials = DialAfterYieldsAsync(bob, "alice.example", network, bobYields, cancellationToken);
            Task<AmpNegotiationResult> bobAccepts = await network.NextAcceptedAsync("bob.example", 1, cancellationToken);
            Task<AmpNegotiationResult> aliceAccepts = await network.NextAcceptedAsync("alice.example", 1, cancellationToken);
            await Task.WhenAll(Quietly(aliceDials), Quietly(bobDials));
            string where = $"seed {seed}, round {round} (alice yields {aliceYields}, bob {bobYields})";

            // Connection X: alice dialled bob (alice's dial, bob's accept); connection Y: bob dialled alice.
            bool x = Succeeded(aliceDials, bobAccepts, where + ", alice -> bob");
            bool y = Succeeded(bobDials, aliceAccepts, where + ", bob -> alice");
            Assert.That(x ^ y, Is.True, $"{where}: exactly one connection survives (x={x}, y={y})");
            Assert.That(alice.TryGetConnection("bob", Target, out AmpNegotiationResult? atAlice), Is.True, where);
            Assert.That(bob.TryGetConnection("alice", Target, out AmpNegotiationResult? atBob), Is.True, where);
            Assert.That(atAlice!.Decision.ConnectionId, Is.EqualTo(atBob!.Decision.ConnectionId), $"{where}: both sides keep the same one");
            Assert.That(atAlice.IsMaster, Is.False, "bob > alice: bob decided");
            Assert.That((int)(await atAlice.Connection.CallRemoteAsync(new Sum { A = round, B = 1 }, cancellationToken)).Total, Is.EqualTo(round + 1), where);
            survivors[x ? "alice dialled" : "bob dialled"] = survivors.GetValueOrDefault(x ? "alice dialled" : "bob dialled") + 1;

            await atAlice.Connection.CloseAsync();
            await atBob.Connection.Completion.WaitAsync(cancellationToken);
        }

        TestContext.Out.WriteLine("survivors: " + string.Join(", ", survivors.Select(s => $"{s.Key} {s.Value}")));
    }

    [Test]
    public async Task A_master_that_dials_a_peer_it_is_connected_to_for_the_target_is_refused_and_keeps_the_first(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        AmpNegotiator master = Node("z-master");
        network.Listen("slave.example", 1, Serving(Target, Node("a-slave")));
        await using AmpNegotiationResult first = await master.ConnectAsync(new NegotiationAddress("slave.example", 1, Target), ClientTls(), network.DialAsync, cancellationToken);

        AmpNegotiationException duplicate = Assert.ThrowsAsync<AmpNegotiationException>(async () =>
            await master.ConnectAsync(new NegotiationAddress("slave.example", 1, Target), ClientTls(), network.DialAsync, cancellationToken))!;
        await network.NextAcceptedAsync("slave.example", 1, cancellationToken);
        AmpNegotiationException atSlave = Assert.ThrowsAsync<AmpNegotiationException>(async () => await await network.NextAcceptedAsync("slave.example", 1, cancellationToken))!;
        Assert.Multiple(() =>
        {
            Assert.That(duplicate.Failure, Is.EqualTo(NegotiationFailure.DuplicateConnection));
            Assert.That(atSlave.Failure, Is.EqualTo(NegotiationFailure.DuplicateConnection));
            Assert.That(first.Connection.IsConnected, Is.True);
            Assert.That(master.TryGetConnection("a-slave", Target, out AmpNegotiationResult? kept) ? kept : null, Is.SameAs(first));
        });
    }

    [Test]
    public async Task A_slave_that_dials_again_naming_its_connection_replaces_it_and_both_drop_the_old_one(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        AmpNegotiator master = Node("z-master");
        network.Listen("master.example", 1, Serving(Target, master));
        AmpNegotiator slave = Node("a-slave");
        AmpNegotiationResult first = await slave.ConnectAsync(new NegotiationAddress("master.example", 1, Target), ClientTls(), network.DialAsync, cancellationToken);
        AmpNegotiationResult firstThere = await await network.NextAcceptedAsync("master.example", 1, cancellationToken);

        // The slave believes its connection dead (it is not, as far as the master knows) and dials again.
        await using AmpNegotiationResult second = await slave.ConnectAsync(new NegotiationAddress("master.example", 1, Target), ClientTls(), network.DialAsync, cancellationToken);
        await using AmpNegotiationResult secondThere = await await network.NextAcceptedAsync("master.example", 1, cancellationToken);
        Assert.That(secondThere.PeerOffer.LastConnection, Is.EqualTo(first.Decision.ConnectionId));
        Assert.That(second.Decision.Replaces, Is.EqualTo(first.Decision.ConnectionId));
        await first.Connection.Completion.WaitAsync(cancellationToken);
        await firstThere.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(master.TryGetConnection("a-slave", Target, out AmpNegotiationResult? kept) ? kept : null, Is.SameAs(secondThere));
        Assert.That(slave.TryGetConnection("z-master", Target, out AmpNegotiationResult? keptHere) ? keptHere : null, Is.SameAs(second));
    }

    [Test]
    public async Task A_peer_that_restarted_replaces_the_connection_its_former_self_left(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        AmpNegotiator master = Node("z-master");
        network.Listen("slave.example", 1, Serving(Target, Node("a-slave")));
        network.Listen("slave.example", 2, Serving(Target, Node("a-slave")));
        AmpNegotiationResult before = await master.ConnectAsync(new NegotiationAddress("slave.example", 1, Target), ClientTls(), network.DialAsync, cancellationToken);
        await network.NextAcceptedAsync("slave.example", 1, cancellationToken);

        // Same id, new process (another AmpNegotiator: another incarnation), reached elsewhere.
        await using AmpNegotiationResult after = await master.ConnectAsync(new NegotiationAddress("slave.example", 2, Target), ClientTls(), network.DialAsync, cancellationToken);
        Assert.That(after.Decision.Replaces, Is.EqualTo(before.Decision.ConnectionId));
        Assert.That(after.PeerOffer.Incarnation, Is.Not.EqualTo(before.PeerOffer.Incarnation));
        await before.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(master.TryGetConnection("a-slave", Target, out AmpNegotiationResult? kept) ? kept : null, Is.SameAs(after));
    }

    [Test]
    public async Task Connections_for_different_targets_or_after_the_first_ended_are_not_duplicates(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        AmpNegotiator master = Node("z-master");
        AmpNegotiator slave = Node("a-slave");
        network.Listen("slave.example", 1, new AmpNegotiationServer()
            .AddTarget(new NegotiationTarget("one", TargetTls(), slave))
            .AddTarget(new NegotiationTarget("two", TargetTls(), slave)));
        await using AmpNegotiationResult one = await master.ConnectAsync(new NegotiationAddress("slave.example", 1, "one"), ClientTls(), network.DialAsync, cancellationToken);
        await using AmpNegotiationResult two = await master.ConnectAsync(new NegotiationAddress("slave.example", 1, "two"), ClientTls(), network.DialAsync, cancellationToken);
        await one.Connection.CloseAsync();
        await using AmpNegotiationResult again = await master.ConnectAsync(new NegotiationAddress("slave.example", 1, "one"), ClientTls(), network.DialAsync, cancellationToken);
        Assert.That(again.Decision.Replaces, Is.Null);
        Assert.That(two.Connection.IsConnected, Is.True);
    }

    private static async Task<AmpNegotiationResult> DialAfterYieldsAsync(AmpNegotiator node, string host, InMemoryNetwork network, int yields, CancellationToken cancellationToken)
    {
        for (int i = 0; i < yields; i++)
        {
            await Task.Yield();
        }

        return await node.ConnectAsync(new NegotiationAddress(host, 1, Target), ClientTls(), network.DialAsync, cancellationToken);
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (AmpNegotiationException)
        {
            // Looked at below.
        }
    }

    /// <summary>Whether a connection's two ends both succeeded; if not, both must have failed as a duplicate.</summary>
    private static bool Succeeded(Task<AmpNegotiationResult> dialled, Task<AmpNegotiationResult> accepted, string where)
    {
        if (dialled.IsCompletedSuccessfully && accepted.IsCompletedSuccessfully)
        {
            Assert.That(dialled.Result.Decision.ConnectionId, Is.EqualTo(accepted.Result.Decision.ConnectionId), where);
            return true;
        }

        Assert.Multiple(() =>
        {
            Assert.That((dialled.Exception?.InnerException as AmpNegotiationException)?.Failure, Is.EqualTo(NegotiationFailure.DuplicateConnection), $"{where}: the dialling end");
            Assert.That((accepted.Exception?.InnerException as AmpNegotiationException)?.Failure, Is.EqualTo(NegotiationFailure.DuplicateConnection), $"{where}: the accepting end");
        });
        return false;
    }
}
