using Amp.Negotiation;
using Amp.Negotiation.Http;
using Amp.Tls;
using Amp.Transports;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.Negotiation;

/// <summary>
/// What the listening side answers to every request that is not one it serves, and that it never hangs: each case gets
/// its HTTP answer, the connection is closed after it, and AcceptAsync fails with the matching failure.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ListeningSideFailureTests
{
    private const string Upgrade = "Connection: Upgrade\r\nUpgrade: amp/1\r\n";

    public static IEnumerable<TestCaseData> Requests()
    {
        yield return Case("a browser", "GET / HTTP/1.1\r\nHost: localhost:5000\r\nUser-Agent: Mozilla/5.0\r\nAccept: text/html\r\nConnection: keep-alive\r\n\r\n", 426, NegotiationFailure.NotAnAmpRequest);
        yield return Case("a POST", "POST /amp/calc HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", 426, NegotiationFailure.NotAnAmpRequest);
        yield return Case("a websocket upgrade", "GET /amp/calc HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", 426, NegotiationFailure.NotAnAmpRequest);
        yield return Case("an upgrade to amp/2", "GET /amp/calc HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: amp/2\r\n\r\n", 426, NegotiationFailure.NotAnAmpRequest);
        yield return Case("an unknown target", $"GET /amp/nobody HTTP/1.1\r\nHost: h\r\n{Upgrade}\r\n", 404, NegotiationFailure.UnknownTarget);
        yield return Case("a path outside /amp/", $"GET /calc HTTP/1.1\r\nHost: h\r\n{Upgrade}\r\n", 404, NegotiationFailure.UnknownTarget);
        yield return Case("an invalid target id", $"GET /amp/a%20b HTTP/1.1\r\nHost: h\r\n{Upgrade}\r\n", 404, NegotiationFailure.UnknownTarget);
        yield return Case("an upgrade with POST", $"POST /amp/calc HTTP/1.1\r\nHost: h\r\n{Upgrade}\r\n", 400, NegotiationFailure.MalformedRequest);
        yield return Case("HTTP/1.0", $"GET /amp/calc HTTP/1.0\r\nHost: h\r\n{Upgrade}\r\n", 400, NegotiationFailure.MalformedRequest);
        yield return Case("no Host", $"GET /amp/calc HTTP/1.1\r\n{Upgrade}\r\n", 400, NegotiationFailure.MalformedRequest);
        yield return Case("two Hosts", $"GET /amp/calc HTTP/1.1\r\nHost: a\r\nHost: b\r\n{Upgrade}\r\n", 400, NegotiationFailure.MalformedRequest);
        yield return Case("a body", $"GET /amp/calc HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n{Upgrade}\r\nbody", 400, NegotiationFailure.MalformedRequest);
        yield return Case("a malformed request line", "GET /amp/calc\r\n\r\n", 400, NegotiationFailure.MalformedRequest);
        yield return Case("a bare LF", "GET /amp/calc HTTP/1.1\nHost: h\n\n", 400, NegotiationFailure.MalformedRequest);
        yield return Case("binary garbage", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003\r\n\r\n", 400, NegotiationFailure.MalformedRequest);
        yield return Case("a head over 256 bytes", "GET /amp/calc HTTP/1.1\r\nHost: h\r\nX-Long: " + new string('x', 300) + "\r\n\r\n", 431, NegotiationFailure.RequestTooLarge);
        yield return Case("more than 4 headers", "GET /amp/calc HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", 431, NegotiationFailure.RequestTooLarge);
    }

    [TestCaseSource(nameof(Requests))]
    public async Task Each_request_gets_its_answer_and_the_connection_is_closed(string request, int status, NegotiationFailure failure, CancellationToken cancellationToken)
    {
        var (theirs, ours) = InMemoryTransport.CreatePair();
        await using var client = new ScriptedPeer(theirs);
        AmpNegotiationServer server = Serving("calc", Node("server"), options: new NegotiationServerOptions { MaxRequestBytes = 256, MaxHeaders = 4 });
        Task<AmpNegotiationResult> accepting = server.AcceptAsync(ours, cancellationToken);

        await client.WriteAsync(request, cancellationToken);
        string answer = await client.ReadToEndAsync(cancellationToken);
        await theirs.Output.CompleteAsync();
        AmpNegotiationException failed = Assert.ThrowsAsync<AmpNegotiationException>(async () => await accepting)!;
        Assert.Multiple(() =>
        {
            Assert.That(answer, Does.StartWith($"HTTP/1.1 {status} {HttpMessages.ReasonPhrase(status)}\r\n"), "answered, then closed (the read ended)");
            Assert.That(failed.Failure, Is.EqualTo(failure));
            Assert.That(failed.StatusCode, Is.EqualTo(status));
        });

        // The body's length is what Content-Length says: a client reading it gets the whole text.
        string body = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.That(answer, Does.Contain($"Content-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\n"));
        if (status == 426)
        {
            Assert.That(answer, Is.EqualTo(System.Text.Encoding.ASCII.GetString(HttpMessages.Error(426, HttpMessages.NotAnAmpClientText))));
            Assert.That(body, Does.Contain("This port speaks AMP"));
        }
    }

    [Test]
    public async Task A_redirected_target_gets_303_with_its_location(CancellationToken cancellationToken)
    {
        var (theirs, ours) = InMemoryTransport.CreatePair();
        await using var client = new ScriptedPeer(theirs);
        var server = new AmpNegotiationServer().AddRedirect("calc", new NegotiationAddress("b.example", 7000, "calc2"));
        Task<AmpNegotiationResult> accepting = server.AcceptAsync(ours, cancellationToken);
        await client.WriteAsync($"GET /amp/calc HTTP/1.1\r\nHost: h\r\n{Upgrade}\r\n", cancellationToken);
        Assert.That(await client.ReadToEndAsync(cancellationToken),
            Is.EqualTo("HTTP/1.1 303 See Other\r\nLocation: http://b.example:7000/amp/calc2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        await theirs.Output.CompleteAsync();
        AmpNegotiationException redirected = Assert.ThrowsAsync<AmpNegotiationException>(async () => await accepting)!;
        Assert.That(redirected.Failure, Is.EqualTo(NegotiationFailure.Redirected));
        Assert.That(redirected.RedirectedTo, Is.EqualTo(new NegotiationAddress("b.example", 7000, "calc2")));
    }

    [TestCase("", TestName = "a peer that sends nothing")]
    [TestCase("GET /amp/calc HTTP/1.1\r\nHost: h\r\nConn", TestName = "a peer that sends half a request")]
    public async Task A_silent_or_slow_peer_is_answered_408_and_dropped_at_the_timeout(string sent, CancellationToken cancellationToken)
    {
        var (theirs, ours) = InMemoryTransport.CreatePair();
        await using var client = new ScriptedPeer(theirs);
        AmpNegotiationServer server = Serving("calc", Node("server"), options: new NegotiationServerOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        Task<AmpNegotiationResult> accepting = server.AcceptAsync(ours, cancellationToken);
        await client.WriteAsync(sent, cancellationToken);

        AmpNegotiationException timedOut = Assert.ThrowsAsync<AmpNegotiationException>(async () => await accepting)!;
        Assert.That(timedOut.Failure, Is.EqualTo(NegotiationFailure.TimedOut));
        Assert.That(timedOut.Message, Does.Contain("0.3 s"));
        Assert.That(await client.ReadToEndAsync(cancellationToken), Does.StartWith("HTTP/1.1 408 Request Timeout\r\n"), "told, then the connection closed");
    }

    [Test]
    public async Task A_peer_that_leaves_mid_request_ends_the_negotiation_at_once(CancellationToken cancellationToken)
    {
        var (theirs, ours) = InMemoryTransport.CreatePair();
        Task<AmpNegotiationResult> accepting = Serving("calc", Node("server")).AcceptAsync(ours, cancellationToken);
        await theirs.Output.WriteAsync("GET /amp/ca"u8.ToArray(), cancellationToken);
        await theirs.Output.CompleteAsync();
        AmpNegotiationException closed = Assert.ThrowsAsync<AmpNegotiationException>(async () => await accepting)!;
        Assert.That(closed.Failure, Is.EqualTo(NegotiationFailure.PeerClosed));
        Assert.That(closed.Message, Does.Contain("after 11 bytes"));
        await theirs.DisposeAsync();
    }

    [Test]
    public async Task A_peer_that_goes_silent_inside_TLS_is_dropped_at_the_targets_timeout(CancellationToken cancellationToken)
    {
        var (theirs, ours) = InMemoryTransport.CreatePair();
        await using var client = new ScriptedPeer(theirs);
        AmpNegotiationServer server = Serving("calc", Node("server", timeout: TimeSpan.FromSeconds(1)));
        Task<AmpNegotiationResult> accepting = server.AcceptAsync(ours, cancellationToken);
        try
        {
            await client.WriteAsync($"GET /amp/calc HTTP/1.1\r\nHost: h\r\n{Upgrade}\r\n", cancellationToken);
            await client.ReadHeadAsync(cancellationToken);
            await client.StartTlsAsync(ClientTls(), TlsRole.Client, cancellationToken);
        }
        catch (AmpTlsException)
        {
            // A machine so loaded that the handshake outlasted the timeout: the server's end is the same failure.
        }

        // TLS is up; the Hello never comes.
        AmpNegotiationException timedOut = Assert.ThrowsAsync<AmpNegotiationException>(async () => await accepting)!;
        Assert.That(timedOut.Failure, Is.EqualTo(NegotiationFailure.TimedOut));
        await client.ReadToEndAsync(cancellationToken);
    }

    [Test]
    public async Task A_client_without_the_certificate_the_target_requires_fails_TLS_on_both_sides(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        network.Listen("localhost", 1, Serving("calc", Node("server")));
        TlsLayerOptions anonymous = ClientTls() with { LocalCertificate = null };
        AmpNegotiationException client = Assert.ThrowsAsync<AmpNegotiationException>(async () =>
        {
            AmpNegotiationResult result = await Node("client").ConnectAsync(new NegotiationAddress("localhost", 1, "calc"), anonymous, network.DialAsync, cancellationToken);
            await result.DisposeAsync();
        })!;
        // With TLS 1.2 the client's handshake fails; with TLS 1.3 its handshake may be done before the server's verdict,
        // and the server closes without an alert: the client sees the close, whether it was writing or reading then.
        Assert.That(client.Failure, Is.EqualTo(NegotiationFailure.TlsFailed).Or.EqualTo(NegotiationFailure.PeerClosed), client.ToString());
        Task<AmpNegotiationResult> accepted = await network.NextAcceptedAsync("localhost", 1, cancellationToken);
        AmpNegotiationException server = Assert.ThrowsAsync<AmpNegotiationException>(async () => await accepted)!;
        Assert.That(server.Failure, Is.EqualTo(NegotiationFailure.TlsFailed));
        Assert.That(server.InnerException, Is.InstanceOf<AmpTlsException>());
    }

    private static TestCaseData Case(string name, string request, int status, NegotiationFailure failure) =>
        new TestCaseData(request, status, failure).SetArgDisplayNames(name);
}
