using Amp.Dispatch;
using Amp.Transports;

namespace Amp.Tests.TestUtilities;

/// <summary>Two AMP connections joined by an in-memory transport, both answering the interop commands.</summary>
internal sealed class ConnectedPair : IAsyncDisposable
{
    private ConnectedPair(AmpConnection client, AmpConnection server, InteropResponders clientResponders, InteropResponders serverResponders)
    {
        Client = client;
        Server = server;
        ClientResponders = clientResponders;
        ServerResponders = serverResponders;
    }

    public AmpConnection Client { get; }

    public AmpConnection Server { get; }

    public InteropResponders ClientResponders { get; }

    public InteropResponders ServerResponders { get; }

    public static ConnectedPair Create(InMemoryTransportOptions? transport = null, Func<AmpResponders, AmpConnectionOptions>? serverOptions = null)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair(transport);
        var clientResponders = new InteropResponders();
        var serverResponders = new InteropResponders();
        AmpResponders serverTable = new AmpResponders().AddObject(serverResponders);
        var client = AmpConnection.Start(initiator, new AmpConnectionOptions { Responders = new AmpResponders().AddObject(clientResponders), Name = "client" });
        var server = AmpConnection.Start(acceptor, serverOptions?.Invoke(serverTable) ?? new AmpConnectionOptions { Responders = serverTable, Name = "server" });
        return new ConnectedPair(client, server, clientResponders, serverResponders);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
