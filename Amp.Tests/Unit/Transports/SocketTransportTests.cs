using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Amp.Transports;
using static Amp.Tests.Unit.Transports.TransportTestHelpers;

namespace Amp.Tests.Unit.Transports;

public sealed class SocketTransportTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task TcpBytesArriveIntactBothWays(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Assert.That(listener.Port, Is.GreaterThan(0));

        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        await using SocketTransport client = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        await using AmpTransport server = await accepting;

        Assert.Multiple(() =>
        {
            Assert.That(client.Role, Is.EqualTo(AmpTransportRole.Initiator));
            Assert.That(server.Role, Is.EqualTo(AmpTransportRole.Acceptor));
            Assert.That(client.Description, Does.StartWith("tcp 127.0.0.1:").And.EndWith($"->127.0.0.1:{listener.Port}"));
            Assert.That(server.Description, Does.StartWith($"tcp 127.0.0.1:{listener.Port}->127.0.0.1:"));
        });
        TestContext.Out.WriteLine(client.Description);

        await AssertExchangeAsync(client, server, 2_000_000, 16 * 1024, cancellationToken);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ConnectByHostNameWorks(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        await using SocketTransport client = await SocketTransport.ConnectAsync(new DnsEndPoint("localhost", listener.Port), cancellationToken: cancellationToken);
        await using AmpTransport server = await accepting;
        await AssertExchangeAsync(client, server, 1000, 100, cancellationToken);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ListenerServesManyConcurrentConnections(CancellationToken cancellationToken)
    {
        const int Connections = 8;
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);

        Task server = ServeEchoAsync(listener, Connections, cancellationToken);
        var clients = new Task[Connections];
        for (int i = 0; i < Connections; i++)
        {
            int size = 100_000 + (i * 1000);
            clients[i] = EchoRoundTripAsync(listener.Port, size, cancellationToken);
        }

        await Task.WhenAll(clients);
        await server.WaitAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task CompletingOutputSendsFinAndTheOtherDirectionKeepsWorking(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        await using SocketTransport client = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        await using AmpTransport server = await accepting;

        byte[] last = Payload(50_000, seed: 5);
        await client.Output.WriteAsync(last, cancellationToken);
        await client.Output.CompleteAsync();

        Assert.That(await ReadToEndAsync(server.Input, cancellationToken), Is.EqualTo(last));

        byte[] reply = Payload(10_000, seed: 6);
        await server.Output.WriteAsync(reply, cancellationToken);
        await server.Output.CompleteAsync();
        Assert.That(await ReadToEndAsync(client.Input, cancellationToken), Is.EqualTo(reply));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task PeerResetCompletesInputWithIOException(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.Port), cancellationToken);
        await using AmpTransport server = await accepting;

        // Linger 0 makes Close send a reset instead of a FIN.
        raw.LingerState = new LingerOption(true, 0);
        raw.Close();

        var error = Assert.ThrowsAsync<IOException>(async () => await ReadToEndAsync(server.Input, cancellationToken));
        Assert.That(error!.InnerException, Is.InstanceOf<SocketException>());
    }

    [Test]
    [CancelAfter(10000)]
    public async Task DisposeIsIdempotentAndThePeerSeesTheEnd(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        SocketTransport client = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        await using AmpTransport server = await accepting;

        ValueTask<ReadResult> pendingOwnRead = client.Input.ReadAsync(cancellationToken);
        await client.Output.WriteAsync(new byte[] { 42 }, cancellationToken);

        Task first = client.DisposeAsync().AsTask();
        Task second = client.DisposeAsync().AsTask();
        await Task.WhenAll(first, second).WaitAsync(cancellationToken);
        await client.DisposeAsync();

        ReadResult own = await pendingOwnRead.AsTask().WaitAsync(cancellationToken);
        Assert.That(own.IsCompleted, Is.True);

        // Bytes flushed before the dispose still arrive, then the end.
        Assert.That(await ReadToEndAsync(server.Input, cancellationToken), Is.EqualTo(new byte[] { 42 }));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task APeerThatDoesNotReadMakesFlushWait(CancellationToken cancellationToken)
    {
        var options = new SocketTransportOptions { MaxReadBufferSize = 256 * 1024, MaxWriteBufferSize = 256 * 1024 };
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0, options);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        await using SocketTransport client = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, options, cancellationToken);
        await using AmpTransport server = await accepting;

        // Our pipe, the kernel's send and receive buffers and the peer's pipe fill up; then the flush must wait.
        var (pendingFlush, written) = await WriteUntilBlockedAsync(client.Output, 256L * 1024 * 1024, TimeSpan.FromMilliseconds(300), cancellationToken);
        TestContext.Out.WriteLine($"flush blocked after {written} bytes");
        Assert.That(pendingFlush.IsCompleted, Is.False);

        await DrainUntilAsync(server.Input, pendingFlush, cancellationToken);
        FlushResult flush = await pendingFlush.WaitAsync(cancellationToken);
        Assert.That(flush.IsCompleted, Is.False);
    }

    [Test]
    [CancelAfter(10000)]
    public void ConnectingToAClosedPortThrowsSocketException(CancellationToken cancellationToken)
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        Assert.ThrowsAsync(Is.InstanceOf<SocketException>(), async () => await SocketTransport.ConnectTcpAsync("127.0.0.1", port, cancellationToken: cancellationToken));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task DisposingTheListenerFailsAPendingAcceptWithObjectDisposedException(CancellationToken cancellationToken)
    {
        SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        ValueTask<AmpTransport> pending = listener.AcceptAsync(cancellationToken);

        await listener.DisposeAsync();
        await listener.DisposeAsync();

        Assert.ThrowsAsync<ObjectDisposedException>(async () => await pending.AsTask().WaitAsync(cancellationToken));
        Assert.ThrowsAsync<ObjectDisposedException>(async () => await listener.AcceptAsync(cancellationToken));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task CancellingAcceptThrowsOperationCanceledException(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ValueTask<AmpTransport> pending = listener.AcceptAsync(cancel.Token);
        await cancel.CancelAsync();
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), async () => await pending);
    }

    private static async Task ServeEchoAsync(SocketListener listener, int connections, CancellationToken cancellationToken)
    {
        var echoes = new List<Task>();
        for (int i = 0; i < connections; i++)
        {
            AmpTransport transport = await listener.AcceptAsync(cancellationToken);
            echoes.Add(EchoAsync(transport, cancellationToken));
        }

        await Task.WhenAll(echoes);
    }

    private static async Task EchoAsync(AmpTransport transport, CancellationToken cancellationToken)
    {
        await using (transport)
        {
            await transport.Input.CopyToAsync(transport.Output, cancellationToken);
            await transport.Output.CompleteAsync();
        }
    }

    private static async Task EchoRoundTripAsync(int port, int size, CancellationToken cancellationToken)
    {
        await using SocketTransport client = await SocketTransport.ConnectTcpAsync("127.0.0.1", port, cancellationToken: cancellationToken);
        byte[] payload = Payload(size, seed: size);
        Task<byte[]> echoed = ReadToEndAsync(client.Input, cancellationToken);
        await WriteAllAsync(client.Output, payload, 4096, cancellationToken);
        await client.Output.CompleteAsync();
        Assert.That(await echoed, Is.EqualTo(payload));
    }
}
