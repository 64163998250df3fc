using System.Globalization;
using System.Net;
using Amp.Transports;

namespace Amp.Benchmarks;

/// <summary>Amp.NET over loopback TCP: <see cref="SocketListener"/> and <see cref="SocketTransport"/>, default options.</summary>
internal sealed class AmpRoundTripFixture : IRoundTripFixture
{
    private readonly SocketListener _listener;
    private readonly AmpConnection _server;
    private readonly AmpConnection _client;
    private readonly CancellationTokenSource? _calls;

    private AmpRoundTripFixture(SocketListener listener, AmpConnection server, AmpConnection client, CancellationTokenSource? calls)
    {
        _calls = calls;
        _listener = listener;
        _server = server;
        _client = client;
    }

    public string Name { get; private init; } = "Amp.NET";

    /// <summary>Connects a pair.</summary>
    /// <param name="sendInline">Whether the transports send on the flushing thread (<see cref="SocketTransportOptions.SendInline"/>).</param>
    /// <param name="watchReceiveRate">
    /// Whether both ends keep the default <see cref="AmpConnectionOptions.MinimumReceiveRate"/> and keepalive (false turns
    /// both off, and with them the receive watch in the read loop).
    /// </param>
    /// <param name="extensions">The extensions both ends offer (agreed before the first measured call).</param>
    /// <param name="cancellable">Whether each call passes a token that can be cancelled (and so could reach the peer).</param>
    public static async Task<AmpRoundTripFixture> StartAsync(bool sendInline = true, bool watchReceiveRate = true, AmpExtensions extensions = AmpExtensions.Default, bool cancellable = false)
    {
        var socketOptions = new SocketTransportOptions { SendInline = sendInline };
        SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0, socketOptions);
        Task<SocketTransport> connecting = SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, socketOptions);
        AmpTransport serverTransport = await listener.AcceptAsync().ConfigureAwait(false);
        SocketTransport clientTransport = await connecting.ConfigureAwait(false);

        var responders = new AmpResponders().Add((SumCommand c) => new SumResult { Total = c.A + c.B });
        AmpMinimumDataRate? rate = watchReceiveRate ? AmpMinimumDataRate.Default : null;
        TimeSpan keepAlive = watchReceiveRate ? new AmpConnectionOptions().KeepAliveInterval : Timeout.InfiniteTimeSpan;
        AmpConnection server = AmpConnection.Start(serverTransport, new AmpConnectionOptions
        {
            Name = "bench-server", Responders = responders, MinimumReceiveRate = rate, KeepAliveInterval = keepAlive, Extensions = extensions,
        });
        AmpConnection client = AmpConnection.Start(clientTransport, new AmpConnectionOptions
        {
            Name = "bench-client", MinimumReceiveRate = rate, KeepAliveInterval = keepAlive, Extensions = extensions,
        });
        await client.NegotiateExtensionsAsync().ConfigureAwait(false);

        SumResult check = await client.CallRemoteAsync(new SumCommand { A = 1, B = 2 }).ConfigureAwait(false);
        if (check.Total != 3)
        {
            throw new InvalidOperationException("Sum(1, 2) answered " + check.Total.ToString(CultureInfo.InvariantCulture));
        }

        string name = (sendInline, watchReceiveRate, extensions, cancellable) switch
        {
            (false, _, _, _) => "Amp.NET pool-send",
            (_, false, _, _) => "Amp.NET no-rate",
            (_, _, AmpExtensions.None, _) => "Amp.NET no extensions",
            (_, _, _, true) => "Amp.NET cancellable calls",
            _ => "Amp.NET",
        };
        return new AmpRoundTripFixture(listener, server, client, cancellable ? new CancellationTokenSource() : null) { Name = name };
    }

    public Task CallAsync() => _calls is null
        ? _client.CallRemoteAsync(new SumCommand { A = 1, B = 2 })
        : _client.CallRemoteAsync(new SumCommand { A = 1, B = 2 }, _calls.Token);

    public async ValueTask DisposeAsync()
    {
        await _client.CloseAsync().ConfigureAwait(false);
        await _server.CloseAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        _calls?.Dispose();
    }
}
