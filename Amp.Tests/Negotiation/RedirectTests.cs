using Amp.Negotiation;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.Negotiation;

/// <summary>Redirects (spec §16.3, §16.8): chains followed to the end, loops found, the number of hops bounded, each hop's listener reporting it.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class RedirectTests
{
    [Test]
    public async Task A_chain_of_redirects_is_followed_to_the_target_that_serves(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 1, new AmpNegotiationServer().AddRedirect("calc", new NegotiationAddress("localhost", 2, "calc")));
        network.Listen("localhost", 2, new AmpNegotiationServer().AddRedirect("calc", new NegotiationAddress("localhost", 3, "calc-v2")));
        network.Listen("localhost", 3, Serving("calc-v2", Node("server")));

        await using AmpNegotiationResult result = await Node("client").ConnectAsync(new NegotiationAddress("localhost", 1, "calc"), ClientTls(), network.DialAsync, cancellationToken);
        Assert.That(result.Target, Is.EqualTo("calc-v2"));
        AmpNegotiationException first = Assert.ThrowsAsync<AmpNegotiationException>(async () => await await network.NextAcceptedAsync("localhost", 1, cancellationToken))!;
        AmpNegotiationException second = Assert.ThrowsAsync<AmpNegotiationException>(async () => await await network.NextAcceptedAsync("localhost", 2, cancellationToken))!;
        Assert.That(first.Failure, Is.EqualTo(NegotiationFailure.Redirected));
        Assert.That(second.RedirectedTo, Is.EqualTo(new NegotiationAddress("localhost", 3, "calc-v2")));
        await using AmpNegotiationResult served = await await network.NextAcceptedAsync("localhost", 3, cancellationToken);
        Assert.That((int)(await result.Connection.CallRemoteAsync(new TestUtilities.Sum { A = 1, B = 1 }, cancellationToken)).Total, Is.EqualTo(2));
    }

    [Test]
    public async Task A_loop_is_found_at_the_first_address_visited_twice(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 1, new AmpNegotiationServer().AddRedirect("a", new NegotiationAddress("localhost", 2, "b")));
        network.Listen("localhost", 2, new AmpNegotiationServer().AddRedirect("b", new NegotiationAddress("LOCALHOST", 1, "a")));

        AmpNegotiationException loop = Assert.ThrowsAsync<AmpNegotiationException>(async () =>
            await Node("client").ConnectAsync(new NegotiationAddress("localhost", 1, "a"), ClientTls(), network.DialAsync, cancellationToken))!;
        Assert.That(loop.Failure, Is.EqualTo(NegotiationFailure.RedirectLoop));
        Assert.That(loop.RedirectedTo, Is.EqualTo(new NegotiationAddress("localhost", 1, "a")), "LOCALHOST is localhost: host names compare without regard to case");
    }

    [Test]
    public async Task A_target_that_redirects_to_itself_is_a_loop(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 1, new AmpNegotiationServer().AddRedirect("a", new NegotiationAddress("localhost", 1, "a")));
        AmpNegotiationException loop = Assert.ThrowsAsync<AmpNegotiationException>(async () =>
            await Node("client").ConnectAsync(new NegotiationAddress("localhost", 1, "a"), ClientTls(), network.DialAsync, cancellationToken))!;
        Assert.That(loop.Failure, Is.EqualTo(NegotiationFailure.RedirectLoop));
    }

    [TestCase(0, 1)]
    [TestCase(2, 3)]
    [TestCase(5, 6)]
    public async Task More_redirects_than_allowed_fail_and_exactly_the_allowed_number_succeeds(int allowed, int chain, CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        for (int port = 1; port <= chain; port++)
        {
            network.Listen("localhost", port, new AmpNegotiationServer().AddRedirect("t" + port, new NegotiationAddress("localhost", port + 1, "t" + (port + 1))));
        }

        network.Listen("localhost", chain + 1, Serving("t" + (chain + 1), Node("server")));
        AmpNegotiator tooStrict = Node("client", maxRedirects: allowed);
        AmpNegotiationException tooMany = Assert.ThrowsAsync<AmpNegotiationException>(async () =>
            await tooStrict.ConnectAsync(new NegotiationAddress("localhost", 1, "t1"), ClientTls(), network.DialAsync, cancellationToken))!;
        Assert.That(tooMany.Failure, Is.EqualTo(NegotiationFailure.TooManyRedirects));
        Assert.That(tooMany.Message, Does.Contain($"more than {allowed} redirects"));

        await using AmpNegotiationResult result = await Node("client", maxRedirects: chain).ConnectAsync(new NegotiationAddress("localhost", 1, "t1"), ClientTls(), network.DialAsync, cancellationToken);
        Assert.That(result.Target, Is.EqualTo("t" + (chain + 1)));
    }

    [Test]
    public async Task A_relative_location_stays_on_the_same_host_and_port(CancellationToken cancellationToken)
    {
        var (ours, theirs) = Amp.Transports.InMemoryTransport.CreatePair();
        await using var listener = new ScriptedPeer(theirs);
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 9, Serving("moved", Node("server")));
        bool dialledTheTransport = false;
        Task<AmpNegotiationResult> connecting = Node("client").ConnectAsync(new NegotiationAddress("localhost", 9, "old"), ClientTls(), (address, token) =>
        {
            if (!dialledTheTransport)
            {
                dialledTheTransport = true;
                return ValueTask.FromResult<Amp.Transports.AmpTransport>(ours);
            }

            return network.DialAsync(address, token);
        }, cancellationToken);
        await listener.ReadHeadAsync(cancellationToken);
        await listener.WriteAsync("HTTP/1.1 307 Temporary Redirect\r\nLocation: /amp/moved\r\n\r\n", cancellationToken);
        await using AmpNegotiationResult result = await connecting;
        Assert.That(result.Target, Is.EqualTo("moved"));
    }
}
