using System.Net;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Interop;

/// <summary>A real Twisted client (twisted_peer.py client) runs its scenarios against our TCP server.</summary>
[CancelAfter(60000)]
public sealed class TwistedClientInteropTests
{
    [TestCase("sum")]
    [TestCase("bigint")]
    [TestCase("echo")]
    [TestCase("echo-raw")]
    [TestCase("canonical")]
    [TestCase("raw")]
    [TestCase("errors")]
    [TestCase("unhandled")]
    [TestCase("noanswer")]
    [TestCase("inflight")]
    [TestCase("callback")]
    [TestCase("fatal")]
    [TestCase("undeclared")]
    [TestCase("badarg")]
    [TestCase("bigvalues")]
    [TestCase("switch")]
    [TestCase("switch-locked")]
    public async Task TwistedClientScenarioPassesAgainstOurServer(string scenario, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        var connections = new List<AmpConnection>();
        Task serving = ServeAsync(listener, connections, cancellationToken);
        var (exitCode, output, errors) = await TwistedPeer.RunClientAsync(listener.Port, scenario, cancellationToken);
        TestContext.Out.WriteLine(output);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)), Is.Empty, errors);
        Assert.That(lines.Count(l => l.StartsWith("PASS", StringComparison.Ordinal)), Is.GreaterThan(0), "the Twisted client ran no check\n" + errors);
        Assert.That(lines.LastOrDefault(), Does.StartWith("DONE").And.EndWith(" 0"));
        Assert.That(exitCode, Is.Zero, errors);
        await listener.DisposeAsync();
        foreach (AmpConnection connection in connections)
        {
            await connection.DisposeAsync();
        }

        await serving.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task ServeAsync(SocketListener listener, List<AmpConnection> connections, CancellationToken cancellationToken)
    {
        while (true)
        {
            AmpTransport transport = await listener.AcceptAsync(cancellationToken);
            // A fresh responder object per connection: Notify/GetNotifications are per connection, as in the Twisted server.
            var options = new AmpConnectionOptions { Responders = new AmpResponders().AddObject(new InteropResponders()).AddRawEchoSwitch() };
            lock (connections)
            {
                connections.Add(AmpConnection.Start(transport, options));
            }
        }
    }
}
