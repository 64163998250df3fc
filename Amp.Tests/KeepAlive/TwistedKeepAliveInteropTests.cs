using System.Buffers;
using Amp.Boxes;
using Amp.Tests.Interop;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.KeepAlive;

/// <summary>
/// A live Twisted peer, idle well past several keepalive intervals: it receives the hello once (answering
/// UNHANDLED), never a ping, and the connection stays up. Twisted's bytes are recorded by a relay.
/// </summary>
[CancelAfter(60_000)]
public sealed class TwistedKeepAliveInteropTests : TwistedServerFixture
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);

    [Test]
    public async Task AnIdleTwistedPeerGetsOneHelloAndNoPingAndStaysConnected(CancellationToken cancellationToken)
    {
        await using RecordingRelay relay = RecordingRelay.Start(ServerPort);
        var events = new KeepAliveEvents();
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", relay.Port, cancellationToken: cancellationToken);
        await using AmpConnection connection = AmpConnection.Start(transport, new AmpConnectionOptions
        {
            KeepAliveInterval = s_interval,
            KeepAliveTimeout = TimeSpan.FromMilliseconds(500),
            LoggerFactory = events.Factory,
        });

        await events.WaitForAsync(AmpEventId.KeepAliveUnavailable, 1, cancellationToken);
        Assert.That(connection.AgreedExtensions, Is.EqualTo(AmpExtensions.None));

        // Idle for fifteen intervals more, then a call: Twisted must answer it on the same connection.
        await Task.Delay(s_interval * 15, cancellationToken);
        Assert.That((int)(await connection.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken)).Total, Is.EqualTo(42));
        Assert.That(connection.IsConnected, Is.True);

        List<string> commands = Commands(relay.ToServer());
        Assert.That(commands, Is.EqualTo(new[] { "_amp.extensions", "Sum" }), "what Twisted received, in order");
        Assert.That(events.PingsSent, Is.Zero);
        Assert.That(ServerErrors, Does.Not.Contain("Traceback"));
    }

    private static List<string> Commands(byte[] bytes)
    {
        var commands = new List<string>();
        var buffer = new ReadOnlySequence<byte>(bytes);
        while (BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? box))
        {
            commands.Add(box!.GetString("_command") ?? "(not a call)");
        }

        Assert.That(buffer.Length, Is.Zero, "the recorded bytes end on a box boundary");
        return commands;
    }
}
