using System.Net;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using Microsoft.Extensions.Logging;
using static Amp.Tests.Unit.Transports.TransportTestHelpers;

namespace Amp.Tests.Unit.Transports;

/// <summary><see cref="SocketTransportOptions.MaxConnections"/>: past it a listener closes new connections at once and goes on.</summary>
[CancelAfter(20000)]
public sealed class SocketListenerLimitTests
{
    [Test]
    public void TheDefaultIsTenThousandNullMeansNoLimitAndALimitMustBePositive()
    {
        var options = new SocketTransportOptions();
        Assert.That(options.MaxConnections, Is.EqualTo(10_000));
        Assert.That(new SocketTransportOptions { MaxConnections = null }.MaxConnections, Is.Null);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SocketTransportOptions { MaxConnections = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SocketTransportOptions { MaxConnections = -1 });
        Assert.Throws<ArgumentNullException>(() => _ = new SocketTransportOptions { LoggerFactory = null! });
    }

    [Test]
    public async Task AtTheLimitANewClientIsClosedAtOnceTheOthersWorkAndAFreedPlaceIsTakenAgain(CancellationToken cancellationToken)
    {
        using var log = new TestLoggerProvider();
        using ILoggerFactory loggerFactory = log.CreateFactory();
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0, new SocketTransportOptions { MaxConnections = 2, LoggerFactory = loggerFactory });

        (SocketTransport first, AmpTransport firstServer) = await ConnectAndAcceptAsync(listener, cancellationToken);
        (SocketTransport second, AmpTransport secondServer) = await ConnectAndAcceptAsync(listener, cancellationToken);
        Assert.That(listener.ConnectionCount, Is.EqualTo(2));

        // The third is accepted by the kernel, then closed by the listener: it reads the end of the stream.
        ValueTask<AmpTransport> next = listener.AcceptAsync(cancellationToken);
        await using SocketTransport third = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        Assert.That(await ReadToEndAsync(third.Input, cancellationToken), Is.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(next.IsCompleted, Is.False, "AcceptAsync returned a refused connection");
            Assert.That(listener.ConnectionCount, Is.EqualTo(2));
        });
        LogEntry rejected = log.Entries.Single(e => e.EventId.Id == AmpEventId.ConnectionRejected);
        Assert.Multiple(() =>
        {
            Assert.That(rejected.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(rejected.Category, Is.EqualTo("Amp.Connection"));
            Assert.That(rejected.Message, Does.StartWith($"Connection tcp 127.0.0.1:{listener.Port}->127.0.0.1:").And.Contain("already has 2 connections open"));
        });

        // The first two still carry bytes both ways.
        await AssertExchangeAsync(first, firstServer, 10_000, 1000, cancellationToken);
        await AssertExchangeAsync(second, secondServer, 10_000, 1000, cancellationToken);

        // Disposing one frees its place: the next client is handed out by the AcceptAsync still waiting.
        await firstServer.DisposeAsync();
        await first.DisposeAsync();
        Assert.That(listener.ConnectionCount, Is.EqualTo(1));
        await using SocketTransport fourth = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        await using AmpTransport fourthServer = await next;
        Assert.That(listener.ConnectionCount, Is.EqualTo(2));
        await AssertExchangeAsync(fourth, fourthServer, 10_000, 1000, cancellationToken);

        await secondServer.DisposeAsync();
        await second.DisposeAsync();
        Assert.That(listener.ConnectionCount, Is.EqualTo(1));
        Assert.That(log.Entries.Count(e => e.EventId.Id == AmpEventId.ConnectionRejected), Is.EqualTo(1));
    }

    [Test]
    public async Task WithoutALimitEveryConnectionIsCountedAndHandedOut(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0, new SocketTransportOptions { MaxConnections = null });
        var pairs = new List<(SocketTransport Client, AmpTransport Server)>();
        for (int i = 0; i < 3; i++)
        {
            pairs.Add(await ConnectAndAcceptAsync(listener, cancellationToken));
        }

        Assert.That(listener.ConnectionCount, Is.EqualTo(3));
        foreach ((SocketTransport client, AmpTransport server) in pairs)
        {
            await AssertExchangeAsync(client, server, 1000, 100, cancellationToken);
            await server.DisposeAsync();
            await client.DisposeAsync();
        }

        Assert.That(listener.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task DisposingATransportTwiceFreesItsPlaceOnce(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0, new SocketTransportOptions { MaxConnections = 1 });
        (SocketTransport client, AmpTransport server) = await ConnectAndAcceptAsync(listener, cancellationToken);
        await Task.WhenAll(server.DisposeAsync().AsTask(), server.DisposeAsync().AsTask());
        await server.DisposeAsync();
        Assert.That(listener.ConnectionCount, Is.Zero);
        await client.DisposeAsync();

        (SocketTransport again, AmpTransport againServer) = await ConnectAndAcceptAsync(listener, cancellationToken);
        Assert.That(listener.ConnectionCount, Is.EqualTo(1));
        await AssertExchangeAsync(again, againServer, 1000, 100, cancellationToken);
        await againServer.DisposeAsync();
        await again.DisposeAsync();
    }

    private static async Task<(SocketTransport Client, AmpTransport Server)> ConnectAndAcceptAsync(SocketListener listener, CancellationToken cancellationToken)
    {
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        SocketTransport client = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        return (client, await accepting);
    }
}
