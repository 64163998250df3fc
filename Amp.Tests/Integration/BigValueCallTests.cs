using System.Numerics;
using Amp.Arguments;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Tests.Unit.Commands;
using Amp.Transports;

namespace Amp.Tests.Integration;

[AmpCommand("LimitedEcho")]
public sealed class LimitedEcho : IAmpCommand<LimitedEchoResult>
{
    [AmpArgument("data", Type = typeof(BigStringArgument), MaxBytes = 100_000)] public byte[] Data { get; init; } = [];
    [AmpArgument("answer", Type = typeof(BigStringArgument))] public byte[]? Answer { get; init; }
}

public sealed class LimitedEchoResult
{
    [AmpArgument("data", Type = typeof(BigStringArgument), MaxBytes = 150_000)] public byte[] Data { get; init; } = [];
}

/// <summary>Big values between connections: both ways, their limits, and boxes beyond the queue and box limits.</summary>
[CancelAfter(30000)]
public sealed class BigValueCallTests
{
    private static readonly AmpLimits s_wide = new() { MaxBoxBytes = 8 * 1024 * 1024 };

    private static AmpResponders Responders() =>
        InteropResponders.Create().Add((LimitedEcho c) => new LimitedEchoResult { Data = c.Answer ?? c.Data });

    private static (AmpConnection Client, AmpConnection Server) Pair(AmpConnectionOptions? client = null, AmpConnectionOptions? server = null)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        return (AmpConnection.Start(initiator, client ?? new AmpConnectionOptions { Name = "client" }),
            AmpConnection.Start(acceptor, server ?? new AmpConnectionOptions { Name = "server", Responders = Responders() }));
    }

    [Test]
    public async Task BigBytesAndTextGoBothWays(CancellationToken cancellationToken)
    {
        var (client, server) = Pair();
        await using (client)
        await using (server)
        {
            byte[] data = BigPayloads.Bytes(700_000);
            string text = BigPayloads.Text(250_000);
            BigEchoValues back = await client.CallRemoteAsync(new BigEcho { Data = data, Text = text, DataX = [1], DataDot1X = [2] }, cancellationToken);
            BigBoxes.AssertSame(back.Data, data, "data");
            Assert.That((back.Text, back.DataX, back.DataDot1X), Is.EqualTo((text, new byte[] { 1 }, new byte[] { 2 })));
        }
    }

    [Test]
    public async Task AValueOverTheLimitFromThePeerGetsUnknownAndTheConnectionStaysUp(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = Responders() });
        byte[] call = BoxWriter.Serialize(new AmpBox().SetBigBytes("data", new byte[100_001]).SetString("_ask", "5").SetString("_command", "LimitedEcho"));
        await peer.WriteAsync(call, cancellationToken);
        Assert.That(RawPeer.Parse((await peer.ReadBoxBytesAsync(cancellationToken))!).ToString(), Is.EqualTo("{_error: \"5\", _error_code: \"UNKNOWN\", _error_description: \"Unknown Error\"}"));

        call = BoxWriter.Serialize(new AmpBox().SetBigBytes("data", new byte[100_000]).SetString("_ask", "6").SetString("_command", "LimitedEcho"));
        await peer.WriteAsync(call, cancellationToken);
        AmpBox answer = BigBoxes.Parse((await peer.ReadBoxBytesAsync(cancellationToken))!);
        Assert.That(answer.TryGetBigBytes("data", out byte[]? data) ? data.Length : -1, Is.EqualTo(100_000));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task OurValueOverTheLimitFailsTheCallBeforeAnythingIsSent(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        var error = Assert.ThrowsAsync<AmpArgumentException>(() => peer.Connection.CallRemoteAsync(new LimitedEcho { Data = new byte[100_001] }, cancellationToken));
        Assert.That((error!.CommandName, error.FieldName), Is.EqualTo(("LimitedEcho", "data")));

        Task<SumResult> next = peer.Connection.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken);
        AmpBox sent = RawPeer.Parse((await peer.ReadBoxBytesAsync(cancellationToken))!);
        Assert.That(sent.GetString("_command"), Is.EqualTo("Sum"), "the refused call sent nothing");
        await peer.WriteBoxAsync(new AmpBox().SetString("_answer", sent.GetString("_ask")!).SetString("total", "5"), cancellationToken);
        Assert.That((await next).Total, Is.EqualTo(new BigInteger(5)));
    }

    [Test]
    public async Task AnAnswerOverTheResponseLimitIsUnknownOnOneSideAndRefusedOnTheOther(CancellationToken cancellationToken)
    {
        var (client, server) = Pair();
        await using (client)
        await using (server)
        {
            // The responder's answer breaks the response field's MaxBytes: the caller gets UNKNOWN.
            var error = Assert.ThrowsAsync<AmpRemoteException>(() => client.CallRemoteAsync(new LimitedEcho { Answer = new byte[150_001] }, cancellationToken));
            Assert.That(error!.ErrorCode, Is.EqualTo("UNKNOWN"));
            Assert.That((await client.CallRemoteAsync(new LimitedEcho { Answer = new byte[150_000] }, cancellationToken)).Data, Has.Length.EqualTo(150_000));

            // A peer whose answer is over our limit: the call fails naming the field, and the connection stays up.
            await using RawPeer peer = RawPeer.Start();
            Task<LimitedEchoResult> call = peer.Connection.CallRemoteAsync(new LimitedEcho(), cancellationToken);
            AmpBox sent = RawPeer.Parse((await peer.ReadBoxBytesAsync(cancellationToken))!);
            await peer.WriteBoxAsync(new AmpBox().SetString("_answer", sent.GetString("_ask")!).SetBigBytes("data", new byte[150_001]), cancellationToken);
            var refused = Assert.ThrowsAsync<AmpArgumentException>(() => call);
            Assert.That(refused!.FieldName, Is.EqualTo("data"));
            Assert.That(peer.Connection.IsConnected, Is.True);
        }
    }

    [TestCase(64 * 1024 + 1024, 3_000_000)]
    [TestCase(4 * 1024 * 1024, 6_000_000)]
    public async Task ABoxLargerThanTheOutgoingQueueLimitIsStillSent(long maxQueued, int size, CancellationToken cancellationToken)
    {
        // The queue limit makes callers wait for room; a box is queued whenever the queue is below it, whatever its size.
        var (client, server) = Pair(
            new AmpConnectionOptions { Name = "client", Limits = s_wide, MaxQueuedOutgoingBytes = maxQueued },
            new AmpConnectionOptions { Name = "server", Limits = s_wide, MaxQueuedOutgoingBytes = maxQueued, Responders = Responders() });
        await using (client)
        await using (server)
        {
            byte[] data = BigPayloads.Bytes(size);
            Task<BigEchoValues>[] calls = [.. Enumerable.Range(0, 3).Select(_ => client.CallRemoteAsync(new BigEcho { Data = data }, cancellationToken))];
            foreach (BigEchoValues back in await Task.WhenAll(calls))
            {
                BigBoxes.AssertSame(back.Data, data, "data");
            }
        }
    }

    [Test]
    public async Task ACommandTooLargeToSetAsideIsAnsweredOnceTheBusyResponderFinishes(CancellationToken cancellationToken)
    {
        // One responder slot, busy: the next command is set aside only up to the outgoing queue limit (65 KiB
        // here, its least), so this 100 KB one pauses reading with nothing set aside. Freeing the slot must resume reading.
        // The slot is freed once the server has read the big command (its trace entry is written just before).
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var log = new ReceivedBoxSignal("BigEcho", gate);
        AmpResponders responders = new AmpResponders().Add((BigEcho c) => (BigEchoValues)c).Add(async (Sum c) =>
        {
            await gate.Task;
            return new SumResult { Total = c.A + c.B };
        });
        var (client, server) = Pair(server: new AmpConnectionOptions
        {
            Name = "server", Limits = s_wide, MaxQueuedOutgoingBytes = 66_560, MaxConcurrentIncomingCalls = 1,
            Responders = responders, LoggerFactory = log,
        });
        await using (client)
        await using (server)
        {
            Task<SumResult> busy = client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
            byte[] data = BigPayloads.Bytes(100_000);
            Task<BigEchoValues> large = client.CallRemoteAsync(new BigEcho { Data = data }, cancellationToken);
            Task<SumResult> after = client.CallRemoteAsync(new Sum { A = 3, B = 4 }, cancellationToken);
            Assert.That((await busy).Total, Is.EqualTo(new BigInteger(3)));
            BigBoxes.AssertSame((await large).Data, data, "data");
            Assert.That((await after).Total, Is.EqualTo(new BigInteger(7)));
        }
    }

    [Test]
    public async Task ABoxLargerThanThePeersBoxLimitEndsTheConnectionAndFailsTheCall(CancellationToken cancellationToken)
    {
        var (client, server) = Pair();
        await using (client)
        await using (server)
        {
            Task<BigEchoValues> call = client.CallRemoteAsync(new BigEcho { Data = new byte[2_000_000] }, cancellationToken);
            // The peer sends no error (AMP has none for a broken box): this side sees its writes refused or its input end, whichever comes first.
            var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => call);
            Assert.That(lost!.Reason, Is.AnyOf(AmpDisconnectReason.TransportError, AmpDisconnectReason.RemoteClosed), lost.Message);
            Assert.That((await server.Completion).Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
            Assert.That((await server.Completion).InnerException, Is.TypeOf<AmpProtocolException>().With.Property(nameof(AmpProtocolException.Error)).EqualTo(AmpProtocolError.BoxTooLarge));
        }
    }

    [Test]
    public async Task AnAnswerLargerThanOurBoxLimitEndsTheConnectionAndFailsTheCall(CancellationToken cancellationToken)
    {
        var (client, server) = Pair(server: new AmpConnectionOptions { Name = "server", Limits = s_wide, Responders = Responders() });
        await using (client)
        await using (server)
        {
            var lost = Assert.ThrowsAsync<AmpConnectionLostException>(() => client.CallRemoteAsync(new BigEcho { Data = new byte[1_000_000], DataX = new byte[60_000] }, cancellationToken));
            Assert.That(lost!.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
            Assert.That(lost.Message, Does.Contain("exceeds the limit of 1048576"));
        }
    }
}
