using System.Net;
using System.Numerics;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using CalcSum = Amp.Samples.Calculator.Sum;

namespace Amp.Tests.Integration;

/// <summary>AMP over each real transport: TCP, Unix sockets, and the stdio of a child process.</summary>
[CancelAfter(30000)]
public sealed class TransportConnectionTests
{
    [Test]
    public async Task TcpListenerServesManyConnectionsAndBothSidesCall(CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task serving = ServeAsync(listener, 5, cancellationToken);
        var clients = new List<AmpConnection>();
        for (int i = 0; i < 5; i++)
        {
            AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
            clients.Add(AmpConnection.Start(transport, new AmpConnectionOptions { Responders = InteropResponders.Create() }));
        }

        SumResult[] results = await Task.WhenAll(clients.Select((c, i) => c.CallRemoteAsync(new CallMeBack { A = i, B = 1 }, cancellationToken)));
        Assert.That(results.Select(r => (int)r.Total), Is.EqualTo(Enumerable.Range(1, 5)));
        foreach (AmpConnection client in clients)
        {
            Assert.That(client.Transport.Role, Is.EqualTo(AmpTransportRole.Initiator));
            await client.DisposeAsync();
        }

        await serving;
    }

    [Test]
    public async Task UnixSocketCarriesAmp(CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"amp-test-{Guid.NewGuid():N}.sock");
        await using SocketListener listener = SocketListener.ListenUnix(path);
        Task serving = ServeAsync(listener, 1, cancellationToken);
        AmpTransport transport = await SocketTransport.ConnectUnixAsync(path, cancellationToken: cancellationToken);
        await using AmpConnection client = AmpConnection.Start(transport, new AmpConnectionOptions { Responders = InteropResponders.Create() });
        Assert.That((await client.CallRemoteAsync(new Sum { A = BigInteger.Pow(2, 80), B = 1 }, cancellationToken)).Total, Is.EqualTo(BigInteger.Pow(2, 80) + 1));
        Assert.That((await client.CallRemoteAsync(new CallMeBack { A = 2, B = 3 }, cancellationToken)).Total, Is.EqualTo(new BigInteger(5)));
        await client.DisposeAsync();
        await serving;
    }

    [Test]
    public async Task AParentCallsItsChildOverStdioAndTheChildCallsBack(CancellationToken cancellationToken)
    {
        var childErrors = new List<string>();
        ChildProcessTransport transport = ChildProcessTransport.Start(
            SampleProcess.StartInfo("calc-stdio-child"),
            new ChildProcessTransportOptions { StandardErrorLine = line => { lock (childErrors) { childErrors.Add(line); } } });
        var responders = new AmpResponders().Add((Amp.Samples.Calculator.WhoAreYou _) => new Amp.Samples.Calculator.Identity { Name = "the parent" });
        await using (AmpConnection child = AmpConnection.Start(transport, new AmpConnectionOptions { Responders = responders }))
        {
            Assert.That((await child.CallRemoteAsync(new CalcSum { A = 40, B = 2 }, cancellationToken)).Total, Is.EqualTo(42));
            Amp.Samples.Calculator.Greeting greeting = await child.CallRemoteAsync(new Amp.Samples.Calculator.Greet(), cancellationToken);
            Assert.That(greeting.Text, Is.EqualTo("Hello, the parent!"));
        }

        Assert.That(await transport.ExitCode.WaitAsync(cancellationToken), Is.Zero);
        lock (childErrors)
        {
            Assert.That(childErrors, Has.Some.Contains("parent went away"));
        }
    }

    [Test]
    public async Task AParentSwitchesItsChildsStdioToRawBytes(CancellationToken cancellationToken)
    {
        ChildProcessTransport transport = ChildProcessTransport.Start(SampleProcess.StartInfo("calc-stdio-child"), new ChildProcessTransportOptions { StandardErrorLine = _ => { } });
        await using AmpConnection child = AmpConnection.Start(transport);
        byte[] data = new byte[1024 * 1024];
        new Random(11).NextBytes(data);
        var offer = new Amp.Samples.FileTransfer.SendFile { Name = "blob", Size = data.Length, Sha256 = System.Security.Cryptography.SHA256.HashData(data) };
        await using AmpSwitchedConnection raw = await child.SwitchProtocolAsync(offer, cancellationToken);
        await raw.Pipe.Output.WriteAsync(data, cancellationToken);
        byte[] digest = new byte[32];
        await raw.AsStream().ReadExactlyAsync(digest, cancellationToken);
        Assert.That(digest, Is.EqualTo(offer.Sha256), "the child hashed exactly the bytes after the switch");
        Assert.That(raw.Layers, Does.StartWith("process"));
    }

    private static async Task ServeAsync(SocketListener listener, int count, CancellationToken cancellationToken)
    {
        var connections = new List<AmpConnection>();
        for (int i = 0; i < count; i++)
        {
            AmpTransport transport = await listener.AcceptAsync(cancellationToken);
            Assert.That(transport.Role, Is.EqualTo(AmpTransportRole.Acceptor));
            connections.Add(AmpConnection.Start(transport, new AmpConnectionOptions { Responders = InteropResponders.Create() }));
        }

        foreach (AmpConnection connection in connections)
        {
            await connection.Completion.WaitAsync(cancellationToken);
        }
    }
}
