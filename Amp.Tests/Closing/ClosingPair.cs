using System.Net;
using Amp.Tests.Streams;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Closing;

/// <summary>What joins the two sides of a <see cref="ClosingPair"/>.</summary>
public enum Link
{
    InMemory,
    Tcp,
}

/// <summary>
/// Two Amp.NET connections for the closing tests, in memory or over loopback TCP, in plaintext or inside
/// TLS; both answer the interop commands, <see cref="Hold"/> and the stream commands.
/// </summary>
internal sealed class ClosingPair : IAsyncDisposable
{
    private readonly SocketListener? _listener;

    private ClosingPair(AmpConnection client, AmpConnection server, Holds clientHolds, Holds serverHolds, InteropResponders serverResponders, SocketListener? listener)
    {
        Client = client;
        Server = server;
        ClientHolds = clientHolds;
        ServerHolds = serverHolds;
        ServerResponders = serverResponders;
        _listener = listener;
    }

    /// <summary>The side that connected (the TLS client).</summary>
    public AmpConnection Client { get; }

    /// <summary>The side that accepted (the TLS server).</summary>
    public AmpConnection Server { get; }

    /// <summary>The holds the client answers (the server's calls).</summary>
    public Holds ClientHolds { get; }

    /// <summary>The holds the server answers (the client's calls).</summary>
    public Holds ServerHolds { get; }

    /// <summary>The server's interop responders (the notifications it received).</summary>
    public InteropResponders ServerResponders { get; }

    public static async Task<ClosingPair> StartAsync(
        Link link,
        bool tls,
        CancellationToken cancellationToken,
        AmpExtensions clientExtensions = AmpExtensions.Default,
        AmpExtensions serverExtensions = AmpExtensions.Default,
        InMemoryTransportOptions? memory = null,
        Func<AmpConnection, TlsLayerOptions>? serverTls = null,
        Microsoft.Extensions.Logging.ILoggerFactory? clientLog = null)
    {
        var clientHolds = new Holds();
        var serverHolds = new Holds();
        var serverResponders = new InteropResponders();
        SocketListener? listener = null;
        AmpTransport clientTransport;
        AmpTransport serverTransport;
        if (link == Link.InMemory)
        {
            (clientTransport, serverTransport) = InMemoryTransport.CreatePair(memory);
        }
        else
        {
            listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
            ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
            clientTransport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
            serverTransport = await accepting;
        }

        var client = AmpConnection.Start(clientTransport, new AmpConnectionOptions
        {
            Name = "client",
            Extensions = clientExtensions,
            LoggerFactory = clientLog ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            Responders = Table(clientHolds).AddStartTls(TestCertificates.ClientOptions(role: TlsRole.Client)),
        });
        var server = AmpConnection.Start(serverTransport, new AmpConnectionOptions
        {
            Name = "server",
            Extensions = serverExtensions,
            Responders = Table(serverHolds, serverResponders).AddStartTls(serverTls ?? (_ => TestCertificates.ServerOptions(role: TlsRole.Server))),
        });
        var pair = new ClosingPair(client, server, clientHolds, serverHolds, serverResponders, listener);
        if (tls)
        {
            await client.StartTlsAsync(TestCertificates.ClientOptions(role: TlsRole.Client), cancellationToken);

            // Answered inside TLS: the server has made its change too.
            await client.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken);
            Assert.That(server.GetTlsLayers(), Has.Count.EqualTo(1));
        }

        return pair;
    }

    /// <summary>A task that completes when <paramref name="token"/> is cancelled.</summary>
    public static Task Signalled(CancellationToken token)
    {
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetResult(), signalled);
        return signalled.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }

    private static AmpResponders Table(Holds holds, InteropResponders? interop = null) =>
        holds.AddTo(new StreamResponders().AddTo(new AmpResponders().AddObject(interop ?? new InteropResponders())));
}
