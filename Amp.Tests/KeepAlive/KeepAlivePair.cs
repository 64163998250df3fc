using System.Net;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.KeepAlive;

/// <summary>How a <see cref="KeepAlivePair"/> is joined.</summary>
public enum PairKind
{
    InMemory,
    Tcp,
    TcpTls,
}

/// <summary>One side's gates (Freeze, Hold) and log events.</summary>
internal sealed class KeepAliveSide : IDisposable
{
    public KeepAliveGates Gates { get; } = new();

    public KeepAliveEvents Events { get; } = new();

    /// <summary>The interop commands, Freeze and Hold, and StartTLS with the test certificates.</summary>
    public AmpResponders Responders(bool tlsServer) =>
        Gates.AddTo(InteropResponders.Create().AddStartTls(tlsServer ? TestCertificates.ServerOptions() : TestCertificates.ClientOptions()));

    public void Dispose() => Gates.Dispose();
}

/// <summary>
/// Two Amp.NET connections with the keepalive on, both answering the interop commands and Freeze/Hold:
/// over an in-memory pair, loopback TCP, or loopback TCP with StartTLS made before the test begins.
/// </summary>
internal sealed class KeepAlivePair : IAsyncDisposable
{
    private readonly SocketListener? _listener;

    private KeepAlivePair(AmpConnection client, AmpConnection server, KeepAliveSide clientSide, KeepAliveSide serverSide, SocketListener? listener)
    {
        Client = client;
        Server = server;
        ClientSide = clientSide;
        ServerSide = serverSide;
        _listener = listener;
    }

    public AmpConnection Client { get; }

    public AmpConnection Server { get; }

    public KeepAliveSide ClientSide { get; }

    public KeepAliveSide ServerSide { get; }

    /// <summary>Options with the keepalive at test speed.</summary>
    public static AmpConnectionOptions Options(
        string name, AmpResponders responders, KeepAliveEvents events, TimeSpan interval, TimeSpan timeout, TimeSpan? idleTimeout = null) => new()
    {
        Name = name,
        Responders = responders,
        LoggerFactory = events.Factory,
        KeepAliveInterval = interval,
        KeepAliveTimeout = timeout,
        IdleTimeout = idleTimeout ?? Timeout.InfiniteTimeSpan,
    };

    /// <summary>Starts a pair; the server's interval defaults to the client's.</summary>
    public static async Task<KeepAlivePair> StartAsync(
        PairKind kind, TimeSpan interval, TimeSpan timeout, CancellationToken cancellationToken, TimeSpan? serverInterval = null, TimeSpan? serverIdleTimeout = null)
    {
        var clientSide = new KeepAliveSide();
        var serverSide = new KeepAliveSide();
        AmpConnectionOptions clientOptions = Options("client", clientSide.Responders(tlsServer: false), clientSide.Events, interval, timeout);
        AmpConnectionOptions serverOptions = Options("server", serverSide.Responders(tlsServer: true), serverSide.Events, serverInterval ?? interval, timeout, serverIdleTimeout);
        if (kind == PairKind.InMemory)
        {
            var (initiator, acceptor) = InMemoryTransport.CreatePair();
            return new KeepAlivePair(AmpConnection.Start(initiator, clientOptions), AmpConnection.Start(acceptor, serverOptions), clientSide, serverSide, null);
        }

        SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
        AmpConnection client = AmpConnection.Start(transport, clientOptions);
        var pair = new KeepAlivePair(client, AmpConnection.Start(await accepting, serverOptions), clientSide, serverSide, listener);
        if (kind == PairKind.TcpTls)
        {
            await client.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
        }

        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        ClientSide.Dispose();
        ServerSide.Dispose();
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }
}
