using Amp.Negotiation;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.Negotiation;

/// <summary>The master's refusals between two Amp.NET nodes: each side's failure and what it says.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class RefusalTests
{
    [TestCase(true, TestName = "The listening master refuses and both sides say why")]
    [TestCase(false, TestName = "The connecting master refuses and both sides say why")]
    public async Task A_refusal(bool listeningIsMaster, CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        Func<NegotiationContext, NegotiationVerdict> refuse = context => NegotiationVerdict.Refuse($"closed for maintenance, {context.PeerOffer.Id}");
        AmpNegotiator server = Node(listeningIsMaster ? "z-server" : "a-server", decide: refuse);
        AmpNegotiator client = Node(listeningIsMaster ? "a-client" : "z-client", decide: refuse);
        network.Listen("localhost", 1, Serving("calc", server));

        AmpNegotiationException dialled = Assert.ThrowsAsync<AmpNegotiationException>(async () =>
            await client.ConnectAsync(new NegotiationAddress("localhost", 1, "calc"), ClientTls(), network.DialAsync, cancellationToken))!;
        AmpNegotiationException accepted = Assert.ThrowsAsync<AmpNegotiationException>(async () => await await network.NextAcceptedAsync("localhost", 1, cancellationToken))!;
        string expected = $"refused: closed for maintenance, {(listeningIsMaster ? "a-client" : "a-server")}";
        Assert.Multiple(() =>
        {
            Assert.That(dialled.Failure, Is.EqualTo(NegotiationFailure.Refused));
            Assert.That(accepted.Failure, Is.EqualTo(NegotiationFailure.Refused));
            Assert.That(dialled.Message, Does.Contain(expected));
            Assert.That(accepted.Message, Does.Contain(expected));
            Assert.That((listeningIsMaster ? accepted : dialled).Message, Does.StartWith("This side (the master) refused"));
            Assert.That((listeningIsMaster ? dialled : accepted).Message, Does.StartWith("The peer (the master) refused"));
            Assert.That(client.TryGetConnection(listeningIsMaster ? "z-server" : "a-server", "calc", out _), Is.False);
        });
    }

    [Test]
    public async Task A_decide_hook_that_throws_refuses_without_telling_the_peer_why(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 1, Serving("calc", Node("z-server", decide: _ => throw new InvalidOperationException("database password is hunter2"))));

        AmpNegotiationException dialled = Assert.ThrowsAsync<AmpNegotiationException>(async () =>
            await Node("a-client").ConnectAsync(new NegotiationAddress("localhost", 1, "calc"), ClientTls(), network.DialAsync, cancellationToken))!;
        AmpNegotiationException accepted = Assert.ThrowsAsync<AmpNegotiationException>(async () => await await network.NextAcceptedAsync("localhost", 1, cancellationToken))!;
        Assert.Multiple(() =>
        {
            Assert.That(dialled.Failure, Is.EqualTo(NegotiationFailure.Refused));
            Assert.That(dialled.Message, Does.Contain("the application could not decide").And.Not.Contain("hunter2"));
            Assert.That(accepted.Failure, Is.EqualTo(NegotiationFailure.Refused));
            Assert.That(accepted.InnerException, Is.TypeOf<InvalidOperationException>(), "this side keeps the cause");
        });
    }

    [Test]
    public async Task A_slave_that_offers_no_extension_gets_none_and_a_master_that_offers_none_gives_none(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 1, Serving("calc", Node("z-server")));
        AmpNegotiator plain = Node("a-client", connection: new AmpConnectionOptions { Extensions = AmpExtensions.None });
        await using AmpNegotiationResult dialled = await plain.ConnectAsync(new NegotiationAddress("localhost", 1, "calc"), ClientTls(), network.DialAsync, cancellationToken);
        await using AmpNegotiationResult accepted = await await network.NextAcceptedAsync("localhost", 1, cancellationToken);
        Assert.That(dialled.Decision.Extensions, Is.EqualTo(AmpExtensions.None));
        Assert.That(accepted.Connection.AgreedExtensions, Is.EqualTo(AmpExtensions.None));
        Assert.That(dialled.Connection.AgreedExtensions, Is.EqualTo(AmpExtensions.None));
    }
}
