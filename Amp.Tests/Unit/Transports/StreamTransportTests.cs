using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Amp.Transports;
using static Amp.Tests.Unit.Transports.TransportTestHelpers;

namespace Amp.Tests.Unit.Transports;

public sealed class StreamTransportTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task StreamPairBytesArriveIntactBothWays(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = CreateCrossedStreamPair();
        await using (initiator)
        await using (acceptor)
        {
            Assert.That(initiator.Role, Is.EqualTo(AmpTransportRole.Initiator));
            Assert.That(acceptor.Role, Is.EqualTo(AmpTransportRole.Acceptor));
            await AssertExchangeAsync(initiator, acceptor, 500_000, 7000, cancellationToken);
        }
    }

    [Test]
    [CancelAfter(10000)]
    public async Task CompletingOutputOfAStreamPairEndsThePeersInput(CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = CreateCrossedStreamPair();
        await using (initiator)
        await using (acceptor)
        {
            await initiator.Output.WriteAsync(new byte[] { 1, 2 }, cancellationToken);
            await initiator.Output.CompleteAsync();
            Assert.That(await ReadToEndAsync(acceptor.Input, cancellationToken), Is.EqualTo(new byte[] { 1, 2 }));
        }
    }

    [Test]
    [CancelAfter(10000)]
    public async Task NetworkStreamBytesArriveIntactBothWays(CancellationToken cancellationToken)
    {
        var (clientStream, serverStream) = await CreateNetworkStreamPairAsync(cancellationToken);
        await using var client = new StreamTransport(clientStream, AmpTransportRole.Initiator);
        await using var server = new StreamTransport(serverStream, AmpTransportRole.Acceptor, new StreamTransportOptions { Description = "server" });
        Assert.That(client.Description, Is.EqualTo("stream NetworkStream"));
        Assert.That(server.Description, Is.EqualTo("server"));
        await AssertExchangeAsync(client, server, 300_000, 5000, cancellationToken);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task DisposeDisposesTheStreamUnlessLeftOpenAndIsIdempotent(CancellationToken cancellationToken)
    {
        var (clientStream, serverStream) = await CreateNetworkStreamPairAsync(cancellationToken);
        await using (serverStream)
        {
            var owning = new StreamTransport(clientStream, AmpTransportRole.Initiator);
            ValueTask<ReadResult> pendingRead = owning.Input.ReadAsync(cancellationToken);
            await owning.DisposeAsync();
            await owning.DisposeAsync();

            ReadResult own = await pendingRead.AsTask().WaitAsync(cancellationToken);
            Assert.That(own.IsCanceled || own.IsCompleted, Is.True);
            Assert.Throws<ObjectDisposedException>(() => clientStream.Write(new byte[] { 1 }));

            var leftOpen = new StreamTransport(serverStream, AmpTransportRole.Acceptor, new StreamTransportOptions { LeaveOpen = true });
            await leftOpen.DisposeAsync();
            Assert.That(serverStream.CanWrite, Is.True);
        }
    }

    [Test]
    public void OptionsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamTransportOptions { BufferSize = 0 });
        using var stream = new MemoryStream();
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new StreamTransport(stream, AmpTransportRole.Unspecified, new StreamTransportOptions { BufferSize = 100, MinimumReadSize = 200 }));
    }

    private static (StreamTransport Initiator, StreamTransport Acceptor) CreateCrossedStreamPair()
    {
        var toAcceptor = new Pipe();
        var toInitiator = new Pipe();
        var initiator = new StreamTransport(toInitiator.Reader.AsStream(), toAcceptor.Writer.AsStream(), AmpTransportRole.Initiator);
        var acceptor = new StreamTransport(toAcceptor.Reader.AsStream(), toInitiator.Writer.AsStream(), AmpTransportRole.Acceptor);
        return (initiator, acceptor);
    }

    private static async Task<(NetworkStream Client, NetworkStream Server)> CreateNetworkStreamPairAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        await client.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
        Socket server = await accepting;
        return (new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }
}
