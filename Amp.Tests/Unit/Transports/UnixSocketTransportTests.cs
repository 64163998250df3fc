using System.Net.Sockets;
using Amp.Transports;
using static Amp.Tests.Unit.Transports.TransportTestHelpers;

namespace Amp.Tests.Unit.Transports;

public sealed class UnixSocketTransportTests
{
    private string _path = "";

    [SetUp]
    public void CreatePath()
    {
        // Unix socket paths are limited to about 100 bytes, so keep it short.
        _path = Path.Combine(Path.GetTempPath(), $"amp-{Guid.NewGuid():N}.sock");
    }

    [TearDown]
    public void DeletePath()
    {
        File.Delete(_path);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task BytesArriveIntactBothWays(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenUnix(_path);
        Assert.That(listener.UnixSocketPath, Is.EqualTo(_path));
        Assert.Throws<InvalidOperationException>(() => _ = listener.Port);

        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        await using SocketTransport client = await SocketTransport.ConnectUnixAsync(_path, cancellationToken: cancellationToken);
        await using AmpTransport server = await accepting;

        Assert.That(client.Role, Is.EqualTo(AmpTransportRole.Initiator));
        Assert.That(server.Role, Is.EqualTo(AmpTransportRole.Acceptor));
        Assert.That(server.Description, Does.StartWith($"unix {_path}->"));
        TestContext.Out.WriteLine(client.Description);

        await AssertExchangeAsync(client, server, 1_000_000, 10_000, cancellationToken);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task CompletingOutputCompletesThePeersInput(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenUnix(_path);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        await using SocketTransport client = await SocketTransport.ConnectUnixAsync(_path, cancellationToken: cancellationToken);
        await using AmpTransport server = await accepting;

        await server.Output.WriteAsync(new byte[] { 9, 8, 7 }, cancellationToken);
        await server.Output.CompleteAsync();
        Assert.That(await ReadToEndAsync(client.Input, cancellationToken), Is.EqualTo(new byte[] { 9, 8, 7 }));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ListenerServesSeveralConnections(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenUnix(_path);
        for (int i = 0; i < 5; i++)
        {
            ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
            await using SocketTransport client = await SocketTransport.ConnectUnixAsync(_path, cancellationToken: cancellationToken);
            await using AmpTransport server = await accepting;
            await AssertExchangeAsync(client, server, 5000, 1000, cancellationToken);
        }
    }

    [Test]
    public async Task DisposeDeletesTheSocketFile()
    {
        SocketListener listener = SocketListener.ListenUnix(_path);
        Assert.That(File.Exists(_path), Is.True);
        await listener.DisposeAsync();
        Assert.That(File.Exists(_path), Is.False);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AStaleSocketFileIsReplaced(CancellationToken cancellationToken)
    {
        // .NET deletes the file of a socket it bound when the socket is closed; a moved file survives,
        // as the file of a crashed listener does.
        string boundPath = _path + ".b";
        using (var abandoned = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            abandoned.Bind(new UnixDomainSocketEndPoint(boundPath));
            File.Move(boundPath, _path);
        }

        Assert.That(File.Exists(_path), Is.True, "the stale socket file is in place");

        await using SocketListener listener = SocketListener.ListenUnix(_path);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        await using SocketTransport client = await SocketTransport.ConnectUnixAsync(_path, cancellationToken: cancellationToken);
        await using AmpTransport server = await accepting;
        await AssertExchangeAsync(client, server, 100, 10, cancellationToken);
    }

    [Test]
    public async Task APathInUseIsNotTakenOver()
    {
        await using SocketListener first = SocketListener.ListenUnix(_path);
        Assert.Throws<IOException>(() => SocketListener.ListenUnix(_path));
    }
}
