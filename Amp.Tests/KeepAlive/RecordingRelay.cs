using System.Net;
using System.Net.Sockets;

namespace Amp.Tests.KeepAlive;

/// <summary>
/// A loopback TCP relay to a server that records every byte the client sends: what the server (a real
/// Twisted peer) received, to assert on afterwards. One connection.
/// </summary>
internal sealed class RecordingRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly MemoryStream _toServer = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _pumps = Task.CompletedTask;

    private RecordingRelay(Socket listener)
    {
        _listener = listener;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public static RecordingRelay Start(int serverPort)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var relay = new RecordingRelay(listener);
        relay._pumps = relay.RunAsync(serverPort);
        return relay;
    }

    /// <summary>The bytes the client has sent so far.</summary>
    public byte[] ToServer()
    {
        lock (_toServer)
        {
            return _toServer.ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _pumps.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task RunAsync(int serverPort)
    {
        using Socket client = await _listener.AcceptAsync(_stop.Token);
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serverPort), _stop.Token);
        await Task.WhenAll(PumpAsync(client, server, record: true), PumpAsync(server, client, record: false));
    }

    private async Task PumpAsync(Socket from, Socket to, bool record)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (record)
                {
                    lock (_toServer)
                    {
                        _toServer.Write(buffer, 0, read);
                    }
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The relay is stopped, or one side reset.
        }
    }
}
