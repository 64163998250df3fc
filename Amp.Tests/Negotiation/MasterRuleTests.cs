using Amp.Negotiation;
using Amp.Negotiation.Phases;

namespace Amp.Tests.Negotiation;

/// <summary>Who decides (spec §16.6) and the duplicate-connection rule (spec §16.7), as tables.</summary>
[TestFixture]
public sealed class MasterRuleTests
{
    [TestCase("b", "a", false, true, TestName = "the higher id is master (connecting)")]
    [TestCase("a", "b", true, false, TestName = "the lower id is not (listening)")]
    [TestCase("a", "aa", true, false, TestName = "a prefix is lower")]
    [TestCase("Z", "a", true, false, TestName = "ordinal: upper case sorts first")]
    [TestCase(null, "a", true, false, TestName = "no id is lower than any")]
    [TestCase("a", null, false, true, TestName = "any id is higher than none")]
    [TestCase(null, null, true, true, TestName = "neither has an id: the listening side")]
    [TestCase(null, null, false, false, TestName = "neither has an id: not the connecting side")]
    [TestCase("same", "same", true, true, TestName = "a tie: the listening side")]
    [TestCase("same", "same", false, false, TestName = "a tie: not the connecting side")]
    public void Master(string? mine, string? theirs, bool listening, bool master) =>
        Assert.That(MasterRule.IsMaster(mine, theirs, listening), Is.EqualTo(master));

    [TestCase(1, 1, 1, 1, 1)]
    [TestCase(1, 3, 2, 5, 3)]
    [TestCase(2, 2, 1, 3, 2)]
    [TestCase(1, 1, 2, 3, 0)]
    public void The_version_is_the_highest_common(int myMin, int myMax, int theirMin, int theirMax, int version) =>
        Assert.That(MasterRule.CommonVersion(Offer(null, myMin, myMax), Offer(null, theirMin, theirMax)), Is.EqualTo(version));

    [Test]
    public void A_second_connection_with_a_live_peer_is_a_duplicate()
    {
        var table = new PeerTable();
        Assert.That(table.Admit(Offer("p", incarnation: "i1"), "t", peerIsConnectingSide: true, Id(1), out var replaced), Is.Not.Null);
        Assert.That(replaced, Is.Null);
        Assert.That(table.Admit(Offer("p", incarnation: "i1"), "t", peerIsConnectingSide: true, Id(2), out _), Is.Null, "dialled while the first is being started");
        Assert.That(table.Admit(Offer("p", incarnation: "i1", last: Id(1)), "t", peerIsConnectingSide: false, Id(3), out _), Is.Null,
            "Last-Connection counts only from the side that dialled");
        Assert.That(table.Admit(Offer("q", incarnation: "i1"), "t", peerIsConnectingSide: true, Id(4), out _), Is.Not.Null, "another peer");
        Assert.That(table.Admit(Offer("p", incarnation: "i1"), "other-target", peerIsConnectingSide: true, Id(5), out _), Is.Not.Null, "another target");
    }

    [Test]
    public void A_peer_that_restarted_or_dialled_again_knowing_the_connection_replaces_it()
    {
        var table = new PeerTable();
        PeerTable.Entry first = table.Admit(Offer("p", incarnation: "i1"), "t", true, Id(1), out _)!;
        PeerTable.Entry second = table.Admit(Offer("p", incarnation: "i2"), "t", true, Id(2), out var replaced)!;
        Assert.That(replaced, Is.SameAs(first), "another incarnation: the peer restarted");
        Assert.That(first.IsAlive, Is.False);
        Assert.That(table.Admit(Offer("p", incarnation: "i2", last: Id(2)), "t", true, Id(3), out replaced), Is.Not.Null, "it names the live one as its last");
        Assert.That(replaced, Is.SameAs(second));
    }

    [Test]
    public void A_forgotten_connection_makes_room_and_a_peer_without_id_is_never_compared()
    {
        var table = new PeerTable();
        PeerTable.Entry first = table.Admit(Offer("p", incarnation: "i1"), "t", true, Id(1), out _)!;
        table.Forget(first);
        Assert.That(table.Admit(Offer("p", incarnation: "i1"), "t", true, Id(2), out var replaced), Is.Not.Null);
        Assert.That(replaced, Is.Null);
        Assert.That(table.Admit(Offer(null), "t", true, Id(3), out _), Is.Not.Null);
        Assert.That(table.Admit(Offer(null), "t", true, Id(4), out _), Is.Not.Null);
    }

    [Test]
    public void The_slave_closes_only_the_connection_the_decision_replaces()
    {
        var table = new PeerTable();
        PeerTable.Entry old = table.Accepted(Offer("m"), "t", Decision(Id(1), null), out _);
        table.Accepted(Offer("m"), "t", Decision(Id(2), Id(9)), out var replaced);
        Assert.That(replaced, Is.Null, "Replaces names another connection");
        PeerTable.Entry current = table.Accepted(Offer("m"), "t", Decision(Id(3), Id(2)), out replaced);
        Assert.That(replaced, Is.Not.Null.And.Property(nameof(PeerTable.Entry.ConnectionId)).EqualTo(Id(2)));
        Assert.That(old.ConnectionId, Is.EqualTo(Id(1)));
        Assert.That(current.IsAlive, Is.True);
    }

    private static string Id(int n) => n.ToString("x32");

    private static NegotiationOffer Offer(string? id, int min = 1, int max = 1, string? incarnation = null, string? last = null) =>
        new(id, min, max, AmpExtensions.Default, new Dictionary<string, string>(), incarnation, last);

    private static NegotiationDecision Decision(string id, string? replaces) => new(1, AmpExtensions.Default, new Dictionary<string, string>(), id, replaces);
}
