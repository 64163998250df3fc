using System.Numerics;
using Amp.Tests.Streams;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;

namespace Amp.Tests.Closing;

/// <summary>A graceful close with streams in flight, and during a layer change: both finish first, and the notice travels in the new layer.</summary>
[CancelAfter(60_000)]
public sealed class GracefulCloseStreamsAndLayersTests
{
    private const int DownloadLength = 3 * 1024 * 1024;
    private const int UploadLength = 2 * 1024 * 1024 + 7;

    [TestCase(Link.InMemory)]
    [TestCase(Link.Tcp)]
    public async Task StreamsInFlightBothWaysFinishBeforeTheClose(Link link, CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(link, tls: false, cancellationToken);
        DownloadResult download = await pair.Client.CallRemoteAsync(new Download { Length = DownloadLength, Seed = 5 }, cancellationToken);
        Task<UploadResult> upload = pair.Client.CallRemoteAsync(new Upload { Data = new PatternStream(UploadLength, 6) }, cancellationToken);

        ValueTask closing = pair.Client.CloseAsync(cancellationToken);
        var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        while (received.Length < DownloadLength / 2)
        {
            received.Write(buffer, 0, await download.Data.ReadAsync(buffer, cancellationToken));
        }

        // Half of it is still at the server, which cannot send past its window: the stream is open.
        Assert.That(closing.IsCompleted, Is.False, "an open stream holds the close");
        await download.Data.CopyToAsync(received, cancellationToken);

        Assert.That(received.ToArray(), Is.EqualTo(PatternStream.Expected(DownloadLength, 5)));
        Assert.That((await upload).Length, Is.EqualTo(UploadLength));
        await closing;
        Assert.That((await pair.Client.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }

    [Test]
    public async Task AStreamNobodyReadsHoldsTheCloseUntilTheTokenFires(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken);
        DownloadResult download = await pair.Client.CallRemoteAsync(new Download { Length = DownloadLength, Seed = 5 }, cancellationToken);

        using var patience = new CancellationTokenSource();
        ValueTask closing = pair.Client.CloseAsync(patience.Token);
        await ClosingPair.Signalled(pair.Server.GoingAway).WaitAsync(cancellationToken);
        await patience.CancelAsync();
        await closing;

        AmpStreamException lost = Assert.ThrowsAsync<AmpStreamException>(() => download.Data.CopyToAsync(Stream.Null, cancellationToken))!;
        Assert.That(lost.ErrorCode, Is.EqualTo("CONNECTION_LOST"));
    }

    [TestCase(Link.InMemory)]
    [TestCase(Link.Tcp)]
    public async Task CloseDuringOurStartTlsSendsTheNoticeInsideTlsAfterTheCallsHeldForIt(Link link, CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(link, tls: false, cancellationToken);
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        Task<SumResult> held = pair.Client.CallRemoteAsync(new Sum { A = 2, B = 3 }, cancellationToken);
        ValueTask closing = pair.Client.CloseAsync(cancellationToken);

        Assert.That((await starting).Depth, Is.EqualTo(1));
        Assert.That((await held).Total, Is.EqualTo(new BigInteger(5)));
        await ClosingPair.Signalled(pair.Server.GoingAway).WaitAsync(cancellationToken);
        await closing;
        Assert.That((await pair.Server.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed),
            "anything but the notice inside TLS would break the server's TLS layer");
    }

    [Test]
    public async Task CloseWhileAnsweringThePeersStartTlsSendsTheNoticeInsideTls(CancellationToken cancellationToken)
    {
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.Tcp, tls: false, cancellationToken);
        Task<TlsConnectionInfo> starting = pair.Server.StartTlsAsync(TestCertificates.ServerOptions(role: TlsRole.Server), cancellationToken);
        ValueTask closing = pair.Client.CloseAsync(cancellationToken);

        Assert.That((await starting).Depth, Is.EqualTo(1));
        await ClosingPair.Signalled(pair.Server.GoingAway).WaitAsync(cancellationToken);
        await closing;
        Assert.That((await pair.Server.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }

    [Test]
    public async Task ANoticeHeldForAStartTlsThePeerRefusesStillReachesIt(CancellationToken cancellationToken)
    {
        // The server refuses StartTLS only once the client's notice is queued behind it (held for TLS).
        using var noticeQueued = new ManualResetEventSlim();
        var sent = new LoggedEventSignal(AmpEventId.GoAwaySent);
        await using ClosingPair pair = await ClosingPair.StartAsync(Link.InMemory, tls: false, cancellationToken, clientLog: sent, serverTls: _ =>
        {
            noticeQueued.Wait(cancellationToken);
            throw new InvalidOperationException("no TLS here");
        });
        await pair.Client.NegotiateExtensionsAsync(cancellationToken);
        Task<TlsConnectionInfo> starting = pair.Client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);
        ValueTask closing = pair.Client.CloseAsync(cancellationToken);
        await sent.Logged.WaitAsync(cancellationToken);
        noticeQueued.Set();

        // Boxes held for a refused StartTLS are dropped (they were meant for TLS); the notice carries nothing and goes out.
        Assert.ThrowsAsync<AmpRemoteException>(() => starting);
        await ClosingPair.Signalled(pair.Server.GoingAway).WaitAsync(cancellationToken);
        await closing;
        Assert.That((await pair.Client.Completion).Reason, Is.EqualTo(AmpDisconnectReason.LocallyClosed));
    }
}
