using System.Net;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Switching;

/// <summary>The protocol switch over real sockets: TCP and Unix domain sockets.</summary>
[CancelAfter(20000)]
public sealed class SwitchOverSocketsTests
{
    [Test]
    public async Task OverTcp(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        await SwitchAndEchoAsync(listener, () => SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken), cancellationToken);
    }

    [Test]
    public async Task OverUnixSockets(CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"amp-switch-{Guid.NewGuid():N}.sock");
        await using SocketListener listener = SocketListener.ListenUnix(path);
        await SwitchAndEchoAsync(listener, () => SocketTransport.ConnectUnixAsync(path, cancellationToken: cancellationToken), cancellationToken);
    }

    private static async Task SwitchAndEchoAsync(SocketListener listener, Func<Task<SocketTransport>> connect, CancellationToken cancellationToken)
    {
        Task<AmpTransport> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        await using AmpConnection client = AmpConnection.Start(await connect());
        await using AmpConnection server = AmpConnection.Start(await accepting, new AmpConnectionOptions { Responders = InteropResponders.Create().AddRawEchoSwitch() });
        await client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
        await using AmpSwitchedConnection raw = await client.SwitchProtocolAsync(new SwitchProtocol { Protocol = "raw-echo" }, cancellationToken);
        var data = new byte[256 * 1024];
        new Random(7).NextBytes(data);
        Assert.That(await RawEcho.ExchangeAsync(raw, data, cancellationToken), Is.EqualTo(RawEcho.Greeting.Concat(data).ToArray()));
    }
}
