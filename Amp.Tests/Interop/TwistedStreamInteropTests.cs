using Amp.Tests.Streams;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Interop;

/// <summary>The streams extension against a real Twisted server: refused locally, the connection goes on (spec §15.1).</summary>
[CancelAfter(30000)]
public sealed class TwistedStreamInteropTests
{
    private TwistedServer _server = null!;

    [OneTimeSetUp]
    public async Task StartTwistedAsync() => _server = await TwistedServer.StartAsync(CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopTwistedAsync()
    {
        TestContext.Out.WriteLine(_server.Errors);
        await _server.DisposeAsync();
    }

    [Test]
    public async Task A_stream_call_to_Twisted_fails_locally_and_the_connection_goes_on(CancellationToken cancellationToken)
    {
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", _server.Port, cancellationToken: cancellationToken);
        await using AmpConnection connection = AmpConnection.Start(transport);

        var error = Assert.ThrowsAsync<AmpExtensionUnavailableException>(() =>
            connection.CallRemoteAsync(new Upload { Name = "x", Data = new MemoryStream(new byte[100_000]) }, cancellationToken));
        Assert.That(error!.Message, Does.Contain("Twisted"));
        Assert.That(connection.AgreedExtensions, Is.EqualTo(AmpExtensions.None));

        Assert.That((int)(await connection.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken)).Total, Is.EqualTo(42));
        EchoValues echo = await connection.CallRemoteAsync(new Echo { Bytes = new byte[65535] }, cancellationToken);
        Assert.That(echo.Bytes, Has.Length.EqualTo(65535));
        Assert.That(connection.IsConnected, Is.True);
    }

    [Test]
    public async Task Negotiating_with_Twisted_agrees_on_nothing(CancellationToken cancellationToken)
    {
        AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", _server.Port, cancellationToken: cancellationToken);
        await using AmpConnection connection = AmpConnection.Start(transport);

        Assert.That(await connection.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.None));
        Assert.That((int)(await connection.CallRemoteAsync(new Sum { A = 1, B = 1 }, cancellationToken)).Total, Is.EqualTo(2));
    }
}
