using Amp.Negotiation;
using Amp.Tls;
using Amp.Transports;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.Negotiation;

/// <summary>What the connecting side reports for every answer, block and silence that is not a negotiation, against a scripted listener.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ConnectingSideFailureTests
{
    private static readonly NegotiationAddress s_address = new("localhost", 5000, "calc");

    public static IEnumerable<TestCaseData> Answers()
    {
        yield return Case("404", "HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\n\r\nno such one\n", NegotiationFailure.UnknownTarget, 404, "no such one");
        yield return Case("500", "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops", NegotiationFailure.HttpError, 500, "oops");
        yield return Case("426", "HTTP/1.1 426 Upgrade Required\r\nUpgrade: amp/2\r\nContent-Length: 0\r\n\r\n", NegotiationFailure.HttpError, 426, "426 Upgrade Required");
        yield return Case("101 to websocket", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", NegotiationFailure.MalformedResponse, null, "another protocol");
        yield return Case("SSH", "SSH-2.0-OpenSSH_9.6\r\n\r\n", NegotiationFailure.MalformedResponse, null, "not an HTTP/1.x status line");
        yield return Case("bare LF", "HTTP/1.1 200 OK\n\n", NegotiationFailure.MalformedResponse, null, "bare LF");
        yield return Case("a head that never ends", "HTTP/1.1 200 OK\r\nX: " + new string('x', 9000), NegotiationFailure.MalformedResponse, null, "exceeds 8192 bytes");
        yield return Case("303 to ftp", "HTTP/1.1 303 See Other\r\nLocation: ftp://b.example/amp/calc\r\n\r\n", NegotiationFailure.InvalidRedirect, 303, "ftp://");
        yield return Case("303 without Location", "HTTP/1.1 303 See Other\r\nContent-Length: 0\r\n\r\n", NegotiationFailure.InvalidRedirect, 303, "no Location");
        yield return Case("303 over a given transport", "HTTP/1.1 303 See Other\r\nLocation: http://b.example:7/amp/calc\r\n\r\n", NegotiationFailure.Redirected, null, "cannot dial");
        yield return Case("the end of the stream", "HTTP/1.1 101 Switch", NegotiationFailure.PeerClosed, null, "before the answer's head was complete");
    }

    [TestCaseSource(nameof(Answers))]
    public async Task Each_answer_other_than_101_fails_the_negotiation(string answer, NegotiationFailure failure, int? status, string said, CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var listener = new ScriptedPeer(theirs);
        Task<AmpNegotiationResult> connecting = Node("client").ConnectAsync(ours, s_address, ClientTls(), cancellationToken);
        await listener.ReadHeadAsync(cancellationToken);
        await listener.WriteAsync(answer, cancellationToken);
        await theirs.Output.CompleteAsync();

        AmpNegotiationException failed = Assert.ThrowsAsync<AmpNegotiationException>(async () => await connecting)!;
        Assert.Multiple(() =>
        {
            Assert.That(failed.Failure, Is.EqualTo(failure));
            Assert.That(failed.StatusCode, Is.EqualTo(status));
            Assert.That(failed.Message, Does.Contain(said));
        });
        if (failure == NegotiationFailure.Redirected)
        {
            Assert.That(failed.RedirectedTo, Is.EqualTo(new NegotiationAddress("b.example", 7, "calc")));
        }

        Assert.That(await listener.ReadToEndAsync(cancellationToken), Is.Empty, "the connecting side closed the transport");
    }

    public static IEnumerable<TestCaseData> MastersBlocks()
    {
        const string Hello = "Versions: 1 2\r\nId: z-master\r\nExtensions: streams/1 cancel/1\r\n\r\n";
        yield return Blocks("a malformed Hello", "Versions: one\r\n\r\n", null, NegotiationFailure.MalformedBlock, "not '<min> <max>'");
        yield return Blocks("a Hello over the limit", "Versions: 1 1\r\nApp-x: " + new string('x', 300) + "\r\n\r\n", null, NegotiationFailure.BlockTooLarge, "exceeds 256 bytes");
        yield return Blocks("a Hello with a bare LF", "Versions: 1 1\n\n", null, NegotiationFailure.MalformedBlock, "bare LF");
        yield return Blocks("the end before the Hello's end", "Versions: 1 1\r\n", null, NegotiationFailure.PeerClosed, "Hello block");
        yield return Blocks("a version outside ours", Hello, "Decision: accept\r\nVersion: 2\r\nConnection-Id: 00112233445566778899aabbccddeeff\r\n\r\n", NegotiationFailure.InvalidDecision, "version 2");
        yield return Blocks("an extension we did not offer", Hello, "Decision: accept\r\nVersion: 1\r\nConnection-Id: 00112233445566778899aabbccddeeff\r\nExtensions: cancel/1\r\n\r\n", NegotiationFailure.InvalidDecision, "cancel/1");
        yield return Blocks("an extension nobody knows", Hello, "Decision: accept\r\nVersion: 1\r\nConnection-Id: 00112233445566778899aabbccddeeff\r\nExtensions: x-future/1\r\n\r\n", NegotiationFailure.InvalidDecision, "x-future/1");
        yield return Blocks("a malformed Decision", Hello, "Decision: maybe\r\n\r\n", NegotiationFailure.MalformedBlock, "'maybe'");
        yield return Blocks("a refusal", Hello, "Decision: refuse\r\nReason: no-common-version\r\nMessage: speak 3\r\n\r\n", NegotiationFailure.NoCommonVersion, "no-common-version: speak 3");
        yield return Blocks("the end before the Decision", Hello, "", NegotiationFailure.PeerClosed, "Decision block");
    }

    [TestCaseSource(nameof(MastersBlocks))]
    public async Task A_bad_block_from_the_master_fails_the_slave(string hello, string? decision, NegotiationFailure failure, string said, CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var master = new ScriptedPeer(theirs);
        AmpNegotiator client = new(new NegotiationOptions
        {
            Id = "a-client",
            MaxBlockBytes = 256,
            ConnectionOptions = new AmpConnectionOptions { Extensions = AmpExtensions.Streams },
        });
        Task<AmpNegotiationResult> connecting = client.ConnectAsync(ours, s_address, ClientTls(), cancellationToken);
        await master.ReadHeadAsync(cancellationToken);
        await master.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n", cancellationToken);
        await master.StartTlsAsync(TargetTls(), TlsRole.Server, cancellationToken);
        await master.WriteAsync(hello, cancellationToken);
        if (decision is not null)
        {
            await master.ReadHeadAsync(cancellationToken);
            await master.WriteAsync(decision, cancellationToken);
        }

        try
        {
            await master.Tls!.CloseWritingAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or AmpTlsException or InvalidOperationException)
        {
            // The slave failed and closed first.
        }

        AmpNegotiationException failed = Assert.ThrowsAsync<AmpNegotiationException>(async () => await connecting)!;
        Assert.That(failed.Failure, Is.EqualTo(failure));
        Assert.That(failed.Message, Does.Contain(said));
    }

    [Test]
    public async Task As_master_it_refuses_a_peer_without_a_common_version_with_the_specified_block(CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var slave = new ScriptedPeer(theirs);
        Task<AmpNegotiationResult> connecting = Node("z-client").ConnectAsync(ours, s_address, ClientTls(), cancellationToken);
        await slave.ReadHeadAsync(cancellationToken);
        await slave.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n", cancellationToken);
        await slave.StartTlsAsync(TargetTls(), TlsRole.Server, cancellationToken);
        await slave.WriteAsync("Versions: 2 3\r\nId: a-server\r\n\r\n", cancellationToken);
        await slave.ReadHeadAsync(cancellationToken);
        Assert.That(await slave.ReadHeadAsync(cancellationToken),
            Is.EqualTo("Decision: refuse\r\nReason: no-common-version\r\nMessage: no common protocol version: this side speaks 1-1, the peer 2-3\r\n\r\n"));
        Assert.That(await slave.ReadToEndAsync(cancellationToken), Is.Empty, "close_notify follows the refusal");
        AmpNegotiationException refused = Assert.ThrowsAsync<AmpNegotiationException>(async () => await connecting)!;
        Assert.That(refused.Failure, Is.EqualTo(NegotiationFailure.NoCommonVersion));
    }

    [Test]
    public async Task A_listener_that_never_answers_fails_the_negotiation_at_its_timeout(CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var listener = new ScriptedPeer(theirs);
        Task<AmpNegotiationResult> connecting = Node("client", timeout: TimeSpan.FromMilliseconds(400)).ConnectAsync(ours, s_address, ClientTls(), cancellationToken);
        await listener.ReadHeadAsync(cancellationToken);
        AmpNegotiationException timedOut = Assert.ThrowsAsync<AmpNegotiationException>(async () => await connecting)!;
        Assert.That(timedOut.Failure, Is.EqualTo(NegotiationFailure.TimedOut));
        Assert.That(timedOut.Message, Does.Contain("0.4 s"));
        Assert.That(await listener.ReadToEndAsync(cancellationToken), Is.Empty, "closed at the timeout");
    }

    [Test]
    public async Task A_master_that_never_decides_fails_the_negotiation_at_its_timeout(CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var master = new ScriptedPeer(theirs);
        Task<AmpNegotiationResult> connecting = Node("a-client", timeout: TimeSpan.FromSeconds(1)).ConnectAsync(ours, s_address, ClientTls(), cancellationToken);
        try
        {
            await master.ReadHeadAsync(cancellationToken);
            await master.WriteAsync("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n", cancellationToken);
            await master.StartTlsAsync(TargetTls(), TlsRole.Server, cancellationToken);
            await master.WriteAsync("Versions: 1 1\r\nId: z-master\r\n\r\n", cancellationToken);
            await master.ReadHeadAsync(cancellationToken);
        }
        catch (AmpTlsException)
        {
            // A machine so loaded that the handshake outlasted the timeout: the client's end is the same failure.
        }

        // The Decision never comes.
        AmpNegotiationException timedOut = Assert.ThrowsAsync<AmpNegotiationException>(async () => await connecting)!;
        Assert.That(timedOut.Failure, Is.EqualTo(NegotiationFailure.TimedOut));
    }

    [Test]
    public async Task The_callers_cancellation_is_a_cancellation_not_a_failure(CancellationToken cancellationToken)
    {
        var (ours, theirs) = InMemoryTransport.CreatePair();
        await using var listener = new ScriptedPeer(theirs);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<AmpNegotiationResult> connecting = Node("client").ConnectAsync(ours, s_address, ClientTls(), caller.Token);
        await listener.ReadHeadAsync(cancellationToken);
        await caller.CancelAsync();
        OperationCanceledException cancelled = Assert.CatchAsync<OperationCanceledException>(async () => await connecting)!;
        Assert.That(cancelled.CancellationToken, Is.EqualTo(caller.Token));
        Assert.That(await listener.ReadToEndAsync(cancellationToken), Is.Empty, "the transport is closed");
    }

    [Test]
    public async Task Nothing_listening_is_a_transport_error(CancellationToken cancellationToken)
    {
        await using var network = new InMemoryNetwork();
        AmpNegotiationException failed = Assert.ThrowsAsync<AmpNegotiationException>(async () =>
            await Node("client").ConnectAsync(s_address, ClientTls(), network.DialAsync, cancellationToken))!;
        Assert.That(failed.Failure, Is.EqualTo(NegotiationFailure.TransportError));
        Assert.That(failed.Message, Does.Contain("localhost:5000").And.Contain("Nothing listens"));
    }

    private static TestCaseData Case(string name, string answer, NegotiationFailure failure, int? status, string said) =>
        new TestCaseData(answer, failure, status, said).SetArgDisplayNames(name);

    private static TestCaseData Blocks(string name, string hello, string? decision, NegotiationFailure failure, string said) =>
        new TestCaseData(hello, decision, failure, said).SetArgDisplayNames(name);
}
