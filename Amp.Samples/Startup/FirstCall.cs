using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amp.Samples.Calculator;
using Amp.Transports;

namespace Amp.Samples.Startup;

/// <summary>
/// <c>first-call</c>: a server and a client in this process, over loopback TCP, and one answered Sum call:
/// how long a fresh process takes to its first answered call (JIT against NativeAOT: time the whole process,
/// as Amp.Benchmarks/README.md does).
/// </summary>
internal static class FirstCall
{
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var responders = new AmpResponders().Add((Sum c) => new SumResult { Total = c.A + c.B });
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<AmpConnection> accepted = AcceptAsync(listener, responders, cancellationToken);
        await using AmpConnection client = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken));
        await using AmpConnection server = await accepted;
        SumResult answer = await client.CallRemoteAsync(new Sum { A = 20, B = 22 }, cancellationToken);
        // The process's own start time is too coarse here (clock ticks); time the whole process from outside for that.
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first-call: Sum(20, 22) = {answer.Total}, {elapsed.TotalMilliseconds:F1} ms from listening to the answer ({(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")})"));
        return answer.Total == 42 ? 0 : 1;
    }

    private static async Task<AmpConnection> AcceptAsync(SocketListener listener, AmpResponders responders, CancellationToken cancellationToken) =>
        AmpConnection.Start(await listener.AcceptAsync(cancellationToken), new AmpConnectionOptions { Responders = responders });
}
