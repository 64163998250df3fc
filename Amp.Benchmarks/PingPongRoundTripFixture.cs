using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Amp.Benchmarks;

/// <summary>
/// The floor for one call in flight: a bare loopback socket pair (Nagle off on both), the client sends the bytes of an
/// AMP <c>Sum</c> call (<see cref="SampleBoxes.SumCall"/>, 40 bytes) and waits for as many bytes back, the server echoes
/// them. No framing, no parsing, no dispatch: what any protocol over this socket pays at least per round trip.
/// One call at a time only (<see cref="OneInFlightOnly"/>).
/// </summary>
internal sealed class PingPongRoundTripFixture : IRoundTripFixture
{
    public const string LibraryName = "socket ping-pong";

    private readonly Socket _client;
    private readonly Socket _server;
    private readonly byte[] _ping = SampleBoxes.SumCall.ToArray();
    private readonly byte[] _pong;
    private readonly Task _echo;
    private int _busy;

    private PingPongRoundTripFixture(Socket client, Socket server)
    {
        _client = client;
        _server = server;
        _pong = new byte[_ping.Length];
        _echo = Task.Run(() => EchoAsync(server, _ping.Length));
    }

    public string Name => LibraryName;

    public bool OneInFlightOnly => true;

    public static async Task<PingPongRoundTripFixture> StartAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task connecting = client.ConnectAsync(listener.LocalEndPoint!);
        Socket server = await listener.AcceptAsync().ConfigureAwait(false);
        server.NoDelay = true;
        await connecting.ConfigureAwait(false);

        var fixture = new PingPongRoundTripFixture(client, server);
        await fixture.CallAsync().ConfigureAwait(false);
        if (!fixture._pong.AsSpan().SequenceEqual(fixture._ping))
        {
            throw new InvalidOperationException("The echo differs from the ping.");
        }

        return fixture;
    }

    public Task CallAsync() => PingAsync();

    public async ValueTask DisposeAsync()
    {
        _client.Shutdown(SocketShutdown.Send);
        await _echo.ConfigureAwait(false);
        _client.Dispose();
        _server.Dispose();
    }

    private async Task PingAsync()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("The ping-pong takes one call at a time.");
        }

        await SendAllAsync(_client, _ping).ConfigureAwait(false);
        if (!await ReceiveExactlyAsync(_client, _pong).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The echo side closed.");
        }

        Volatile.Write(ref _busy, 0);
    }

    /// <summary>Echoes <paramref name="size"/>-byte messages until the client shuts down its sending side.</summary>
    private static async Task EchoAsync(Socket socket, int size)
    {
        byte[] buffer = new byte[size];
        while (await ReceiveExactlyAsync(socket, buffer).ConfigureAwait(false))
        {
            await SendAllAsync(socket, buffer).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false)..];
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false if the peer closed first.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> ReceiveExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }
}
