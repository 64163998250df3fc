using Amp.Transports;

namespace Amp.Benchmarks;

/// <summary>
/// Amp.NET over <see cref="InMemoryTransport"/> (two pipes, no sockets): not a like-for-like comparison,
/// but it shows what the connection layer costs without the socket transport's syscalls and thread hops.
/// </summary>
internal sealed class InMemoryRoundTripFixture : IRoundTripFixture
{
    private readonly AmpConnection _server;
    private readonly AmpConnection _client;

    private InMemoryRoundTripFixture(AmpConnection server, AmpConnection client)
    {
        _server = server;
        _client = client;
    }

    public string Name => "Amp.NET (mem)";

    public static InMemoryRoundTripFixture Start()
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        var responders = new AmpResponders().Add((SumCommand c) => new SumResult { Total = c.A + c.B });
        AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Name = "bench-server", Responders = responders });
        AmpConnection client = AmpConnection.Start(initiator, new AmpConnectionOptions { Name = "bench-client" });
        return new InMemoryRoundTripFixture(server, client);
    }

    public Task CallAsync() => _client.CallRemoteAsync(new SumCommand { A = 1, B = 2 });

    public async ValueTask DisposeAsync()
    {
        await _client.CloseAsync().ConfigureAwait(false);
        await _server.CloseAsync().ConfigureAwait(false);
    }
}
