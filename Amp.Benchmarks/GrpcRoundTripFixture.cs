using System.Globalization;
using System.Net;
using Amp.Benchmarks.GrpcContract;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Amp.Benchmarks;

/// <summary>
/// gRPC (Grpc.AspNetCore on Kestrel, Grpc.Net.Client) over loopback TCP: HTTP/2 without TLS (h2c) on 127.0.0.1, one
/// <see cref="GrpcChannel"/> (one HTTP/2 connection) shared by all callers, the unary <c>Adder.Add</c> of adder.proto.
/// Kestrel logs nothing (no logging providers). Kestrel and <see cref="SocketsHttpHandler"/> both turn Nagle off.
/// </summary>
internal sealed class GrpcRoundTripFixture : IRoundTripFixture
{
    public const string LibraryName = "gRPC";

    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private readonly Adder.AdderClient _client;
    private readonly ConnectionCount _connections;

    private GrpcRoundTripFixture(WebApplication app, GrpcChannel channel, ConnectionCount connections)
    {
        _app = app;
        _channel = channel;
        _client = new Adder.AdderClient(channel);
        _connections = connections;
    }

    public string Name => LibraryName;

    public static async Task<GrpcRoundTripFixture> StartAsync()
    {
        var connections = new ConnectionCount();
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => context =>
            {
                Interlocked.Increment(ref connections.Accepted);
                return next(context);
            });
        }));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        WebApplication app = builder.Build();
        app.MapGrpcService<AdderService>();
        await app.StartAsync().ConfigureAwait(false);

        int port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        GrpcChannel channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), new GrpcChannelOptions
        {
            HttpHandler = handler, DisposeHttpClient = true,
        });
        var fixture = new GrpcRoundTripFixture(app, channel, connections);

        AddReply check = await fixture._client.AddAsync(new AddRequest { A = 1, B = 2 }).ResponseAsync.ConfigureAwait(false);
        if (check.Total != 3)
        {
            throw new InvalidOperationException("Add(1, 2) answered " + check.Total.ToString(CultureInfo.InvariantCulture));
        }

        return fixture;
    }

    public Task CallAsync() => _client.AddAsync(new AddRequest { A = 1, B = 2 }).ResponseAsync;

    /// <summary>Closes the channel and stops Kestrel; throws if the channel opened more than one connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_connections.Accepted != 1)
        {
            throw new InvalidOperationException($"The gRPC channel opened {_connections.Accepted} connections; the comparison assumes one.");
        }
    }

    /// <summary>The connections Kestrel accepted (the channel should open exactly one).</summary>
    private sealed class ConnectionCount
    {
        public int Accepted;
    }

    /// <summary>The server side of adder.proto.</summary>
    private sealed class AdderService : Adder.AdderBase
    {
        public override Task<AddReply> Add(AddRequest request, ServerCallContext context) =>
            Task.FromResult(new AddReply { Total = request.A + request.B });
    }
}
