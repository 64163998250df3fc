using Amp.Transports;

namespace Amp.Tests.Interop;

/// <summary>A twisted_peer.py server for the fixture's tests, and our connections to it.</summary>
public abstract class TwistedServerFixture
{
    private TwistedServer? _server;

    [OneTimeSetUp]
    public async Task StartTwistedAsync() => _server = await TwistedServer.StartAsync(CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopTwistedAsync()
    {
        if (_server is not null)
        {
            TestContext.Out.WriteLine(_server.Errors);
            await _server.DisposeAsync();
        }
    }

    /// <summary>Connects to the Twisted server over loopback TCP.</summary>
    protected async Task<AmpConnection> ConnectAsync(CancellationToken cancellationToken, AmpConnectionOptions? options = null)
    {
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", _server!.Port, cancellationToken: cancellationToken);
        return AmpConnection.Start(transport, options);
    }

    /// <summary>The Twisted server's port on the loopback interface.</summary>
    protected int ServerPort => _server!.Port;

    /// <summary>What the Twisted server wrote to stderr so far.</summary>
    protected string ServerErrors => _server!.Errors;
}
