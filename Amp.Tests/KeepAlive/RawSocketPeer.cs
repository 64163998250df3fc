using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Amp.Transports;

namespace Amp.Tests.KeepAlive;

/// <summary>
/// A peer on a real TCP socket driven box by box by the test, with our <see cref="AmpConnection"/> on the
/// other end: it can answer the hello, then freeze (stop reading and answering) or reset the connection.
/// </summary>
internal sealed class RawSocketPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawSocketPeer(Socket socket, AmpConnection connection)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        Connection = connection;
    }

    public AmpConnection Connection { get; }

    public PipeReader Input { get; }

    public static async Task<RawSocketPeer> StartAsync(AmpConnectionOptions options, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        ValueTask<Socket> accepting = listener.AcceptAsync(cancellationToken);
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port, cancellationToken: cancellationToken);
        Socket socket = await accepting;
        socket.NoDelay = true;
        return new RawSocketPeer(socket, AmpConnection.Start(transport, options));
    }

    public Task<byte[]?> ReadBoxAsync(CancellationToken cancellationToken) => TestUtilities.WireBoxes.ReadBoxAsync(Input, cancellationToken);

    /// <summary>Reads boxes until one whose <c>_command</c> is <paramref name="command"/>; returns it.</summary>
    public async Task<Boxes.AmpBox> ReadCommandAsync(string command, CancellationToken cancellationToken)
    {
        while (true)
        {
            byte[]? bytes = await ReadBoxAsync(cancellationToken);
            Assert.That(bytes, Is.Not.Null, $"the stream ended before a {command} call");
            Boxes.AmpBox box = KeepAliveWire.Parse(bytes!);
            if (box.GetString("_command") == command)
            {
                return box;
            }
        }
    }

    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken) => await _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>Resets the connection, as a killed process's kernel does when unread bytes remain.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Input.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
