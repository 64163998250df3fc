using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StreamJsonRpc;

namespace Amp.Benchmarks;

/// <summary>
/// StreamJsonRpc over loopback TCP: a <see cref="NetworkStream"/> per end, <see cref="LengthHeaderMessageHandler"/>
/// with <see cref="MessagePackFormatter"/>, Nagle off on both sockets (as Amp.NET's default).
/// </summary>
internal sealed class JsonRpcRoundTripFixture : IRoundTripFixture
{
    private readonly JsonRpc _server;
    private readonly JsonRpc _client;

    private JsonRpcRoundTripFixture(JsonRpc server, JsonRpc client)
    {
        _server = server;
        _client = client;
    }

    public const string LibraryName = "StreamJsonRpc";

    public string Name => LibraryName;

    public static async Task<JsonRpcRoundTripFixture> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Socket clientSocket;
        Socket serverSocket;
        try
        {
            clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Task connecting = clientSocket.ConnectAsync(listener.LocalEndpoint);
            serverSocket = await listener.AcceptSocketAsync().ConfigureAwait(false);
            serverSocket.NoDelay = true;
            await connecting.ConfigureAwait(false);
        }
        finally
        {
            listener.Stop();
        }

        JsonRpc server = Create(serverSocket);
        server.AddLocalRpcTarget(new AddServer());
        server.StartListening();
        JsonRpc client = Create(clientSocket);
        client.StartListening();

        int check = await client.InvokeAsync<int>("Add", 1, 2).ConfigureAwait(false);
        if (check != 3)
        {
            throw new InvalidOperationException("Add(1, 2) answered " + check.ToString(CultureInfo.InvariantCulture));
        }

        return new JsonRpcRoundTripFixture(server, client);
    }

    public Task CallAsync() => _client.InvokeAsync<int>("Add", 1, 2);

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _server.Dispose();
        await Task.WhenAll(_client.Completion, _server.Completion).ConfigureAwait(false);
    }

    private static JsonRpc Create(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        return new JsonRpc(new LengthHeaderMessageHandler(stream, stream, new MessagePackFormatter()));
    }
}
