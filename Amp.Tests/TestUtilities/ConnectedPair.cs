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

    /// <summary>Creates the pair; <paramref name="configure"/> adds more responders to both sides' tables.</summary>
    public static ConnectedPair Create(InMemoryTransportOptions? transport = null, Func<AmpResponders, AmpConnectionOptions>? serverOptions = null, Action<AmpResponders>? configure = null)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair(transport);
        var clientResponders = new InteropResponders();
        var serverResponders = new InteropResponders();
        AmpResponders serverTable = new AmpResponders().AddObject(serverResponders);
        AmpResponders clientTable = new AmpResponders().AddObject(clientResponders);
        configure?.Invoke(serverTable);
        configure?.Invoke(clientTable);
        var client = AmpConnection.Start(initiator, new AmpConnectionOptions { Responders = clientTable, Name = "client" });
        var server = AmpConnection.Start(acceptor, serverOptions?.Invoke(serverTable) ?? new AmpConnectionOptions { Responders = serverTable, Name = "server" });
        return new ConnectedPair(client, server, clientResponders, serverResponders);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
