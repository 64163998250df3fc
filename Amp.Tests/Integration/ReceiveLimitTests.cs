using System.Net;
using System.Net.Sockets;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Integration;

/// <summary>
/// The receive limits: a box sent slower than the minimum rate and a peer idle past the idle timeout end
/// the connection (issue 10, item 6: 500 connections sending a byte a second were never closed), while a
/// connection waiting on its own work, or on calls in flight, is left alone.
/// </summary>
[CancelAfter(120_000)]
public sealed class ReceiveLimitTests
{
    private static readonly AmpMinimumDataRate s_fastRate = new(100, TimeSpan.FromSeconds(1));

    [Test]
    public async Task ABoxTrickledSlowerThanTheMinimumRateEndsTheConnection(CancellationToken cancellationToken)
    {
        await using var peer = RawPeer.Start(new AmpConnectionOptions { MinimumReceiveRate = s_fastRate });
        byte[] box = LongBox();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task trickling = TrickleAsync(peer, box, TimeSpan.FromMilliseconds(100), stop.Token);

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        await stop.CancelAsync();
        await trickling;

        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.TimedOut));
        Assert.That(lost.InnerException, Is.TypeOf<TimeoutException>());
        Assert.That(lost.Message, Does.Contain("slower than the minimum rate"));
    }

    [Test]
    public async Task ABoxArrivingAtTheRateIsAnswered(CancellationToken cancellationToken)
    {
        // 100 bytes per second asked for; each byte of the 40-byte box arrives at once, split in five writes.
        await using var peer = RawPeer.Start(new AmpConnectionOptions { MinimumReceiveRate = s_fastRate, Responders = InteropResponders.Create() });
        byte[] box = SumBox(20, 22);
        for (int offset = 0; offset < box.Length; offset += 8)
        {
            await peer.WriteAsync(box[offset..Math.Min(box.Length, offset + 8)], cancellationToken);
        }

        AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(answer.GetString("total"), Is.EqualTo("42"));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task APeerSilentPastTheIdleTimeoutIsClosed(CancellationToken cancellationToken)
    {
        await using var peer = RawPeer.Start(new AmpConnectionOptions { IdleTimeout = TimeSpan.FromMilliseconds(500), Responders = InteropResponders.Create() });
        await peer.WriteAsync(SumBox(1, 1), cancellationToken);
        Assert.That((await peer.ReadBoxAsync(cancellationToken)).GetString("total"), Is.EqualTo("2"));

        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.TimedOut));
        Assert.That(lost.Message, Does.Contain("idle timeout"));
    }

    [Test]
    public async Task ACallInFlightIsNotIdleness(CancellationToken cancellationToken)
    {
        // The responder holds the call for three idle timeouts; the peer, waiting for the answer, sends nothing.
        var release = new TaskCompletionSource();
        var responders = new AmpResponders().Add<Sum, SumResult>(async (sum, _, _) =>
        {
            await release.Task;
            return new SumResult { Total = sum.A + sum.B };
        });
        await using var peer = RawPeer.Start(new AmpConnectionOptions { IdleTimeout = TimeSpan.FromMilliseconds(500), Responders = responders });
        await peer.WriteAsync(SumBox(2, 3), cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(1500), cancellationToken);
        Assert.That(peer.Connection.IsConnected, Is.True, "the connection was closed as idle while its responder was running");

        release.SetResult();
        Assert.That((await peer.ReadBoxAsync(cancellationToken)).GetString("total"), Is.EqualTo("5"));
        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.TimedOut), "once the call was answered, idleness counts again");
    }

    [Test]
    public async Task NoLimitsByDefaultButTheRate()
    {
        Assert.That(new AmpConnectionOptions().IdleTimeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
        Assert.That(new AmpConnectionOptions().MinimumReceiveRate, Is.SameAs(AmpMinimumDataRate.Default));
        Assert.That(AmpMinimumDataRate.Default.BytesPerSecond, Is.EqualTo(240));
        Assert.That(AmpMinimumDataRate.Default.GracePeriod, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(() => new AmpConnectionOptions { IdleTimeout = TimeSpan.Zero }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new AmpMinimumDataRate(0, TimeSpan.Zero), Throws.TypeOf<ArgumentOutOfRangeException>());
        await Task.CompletedTask;
    }

    [Test]
    public async Task ManySlowConnectionsOverTcpAreAllClosed(CancellationToken cancellationToken)
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("AMP_SLOW_CONNECTIONS"), out int n) ? n : 100;
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        var options = new AmpConnectionOptions { MinimumReceiveRate = s_fastRate };
        var servers = new List<Task<AmpConnectionLostException>>();
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.Port), cancellationToken);
                clients.Add(client);
                servers.Add(AmpConnection.Start(await accepting, options).Completion);
            }

            byte[] box = LongBox();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task trickling = TrickleAllAsync(clients, box, stop.Token);
            long started = Environment.TickCount64;
            long heldWhileOpen = GC.GetTotalMemory(forceFullCollection: true);
            AmpConnectionLostException[] lost = await Task.WhenAll(servers).WaitAsync(cancellationToken);
            long closedAfter = Environment.TickCount64 - started;
            await stop.CancelAsync();
            await trickling;
            Assert.That(lost.Select(l => l.Reason), Is.All.EqualTo(AmpDisconnectReason.TimedOut));
            TestContext.Out.WriteLine(
                $"{count} slow connections: {heldWhileOpen / 1024} KiB managed heap while open, all closed for their rate within {closedAfter} ms, "
                + $"{GC.GetTotalMemory(forceFullCollection: true) / 1024} KiB after");
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static byte[] SumBox(int a, int b) => BoxWriter.Serialize(
        new AmpBox().SetString("_command", "Sum").SetString("_ask", "1").SetString("a", a.ToString()).SetString("b", b.ToString()));

    /// <summary>A box long enough that trickling it at ten bytes a second outlasts any heartbeat delay.</summary>
    private static byte[] LongBox() => BoxWriter.Serialize(
        new AmpBox().SetString("_command", "Sum").SetString("_ask", "1").SetString("a", "1").SetString("b", "2").SetString("note", new string('n', 1000)));

    private static async Task TrickleAsync(RawPeer peer, byte[] bytes, TimeSpan interval, CancellationToken stop)
    {
        try
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                await peer.WriteAsync(bytes[i..(i + 1)], stop);
                await Task.Delay(interval, stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // Stopped, or the connection is gone.
        }
    }

    private static async Task TrickleAllAsync(List<Socket> clients, byte[] bytes, CancellationToken stop)
    {
        try
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                foreach (Socket client in clients)
                {
                    try
                    {
                        client.Send(bytes, i, 1, SocketFlags.None);
                    }
                    catch (SocketException)
                    {
                        // This one was closed already.
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
