using System.Net;
using System.Net.Sockets;
using Amp.Transports;

namespace Amp.Tests.KeepAlive;

/// <summary>The fallback for peers without the extension: TCP keepalive on both connected and accepted sockets.</summary>
[CancelAfter(30_000)]
public sealed class TcpKeepAliveTests
{
    [Test]
    public async Task BothEndsOfATcpConnectionHaveTcpKeepAliveByDefault(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        await using SocketTransport connected = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        await using AmpTransport accepted = await accepting;

        foreach (Socket socket in new[] { connected.Socket, ((SocketTransport)accepted).Socket })
        {
            Assert.That(socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive), Is.Not.EqualTo(0));
            Assert.That(socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime), Is.EqualTo(60));
            Assert.That(socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval), Is.EqualTo(10));
            Assert.That(socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount), Is.EqualTo(6));
        }
    }

    [Test]
    public async Task TheSettingsAreAppliedAndCanBeTurnedOff(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(2);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;

        var options = new SocketTransportOptions { TcpKeepAliveTime = TimeSpan.FromSeconds(7.2), TcpKeepAliveInterval = TimeSpan.FromSeconds(3), TcpKeepAliveRetryCount = 2 };
        await using SocketTransport tuned = await SocketTransport.ConnectAsync(endPoint, options, cancellationToken);
        Assert.That(tuned.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime), Is.EqualTo(8), "whole seconds, rounded up");
        Assert.That(tuned.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval), Is.EqualTo(3));
        Assert.That(tuned.Socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount), Is.EqualTo(2));

        await using SocketTransport off = await SocketTransport.ConnectAsync(endPoint, new SocketTransportOptions { TcpKeepAliveTime = Timeout.InfiniteTimeSpan }, cancellationToken);
        Assert.That(off.Socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive), Is.EqualTo(0));
    }

    [Test]
    public void TheSettingsAreChecked()
    {
        var options = new SocketTransportOptions();
        Assert.That(options.TcpKeepAliveTime, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(options.TcpKeepAliveInterval, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(options.TcpKeepAliveRetryCount, Is.EqualTo(6));
        Assert.That(() => new SocketTransportOptions { TcpKeepAliveTime = TimeSpan.FromMilliseconds(500) }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new SocketTransportOptions { TcpKeepAliveInterval = Timeout.InfiniteTimeSpan }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new SocketTransportOptions { TcpKeepAliveRetryCount = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => new SocketTransportOptions { TcpKeepAliveRetryCount = 128 }, Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
