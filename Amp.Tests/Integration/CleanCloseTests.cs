using System.Collections.Concurrent;
using System.Net;
using System.Runtime.ExceptionServices;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Integration;

/// <summary>A clean close on either side costs no exception inside the library (issue 10, item 8).</summary>
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class CleanCloseTests
{
    [TestCase(true, TestName = "TheClientClosingCleanlyThrowsNothingInsideTheLibrary")]
    [TestCase(false, TestName = "TheServerClosingCleanlyThrowsNothingInsideTheLibrary")]
    public async Task CleanClose(bool clientCloses, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        ValueTask<AmpTransport> accepting = listener.AcceptAsync(cancellationToken);
        var options = new AmpConnectionOptions { Responders = InteropResponders.Create() };
        AmpConnection client = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken), options);
        AmpConnection server = AmpConnection.Start(await accepting, options);
        await client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        await server.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);

        var thrown = new ConcurrentQueue<string>();
        void Record(object? sender, FirstChanceExceptionEventArgs e) => thrown.Enqueue($"{e.Exception.GetType().Name}: {e.Exception.Message}\n{new System.Diagnostics.StackTrace(1, true)}");
        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            await (clientCloses ? client : server).CloseAsync();
            await Task.WhenAll(client.Completion, server.Completion).WaitAsync(cancellationToken);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        foreach (string exception in thrown)
        {
            TestContext.Out.WriteLine(exception);
        }

        Assert.That(thrown.Where(t => t.Contains("at Amp.", StringComparison.Ordinal)), Is.Empty, "exceptions thrown inside the library during a clean close");
    }
}
