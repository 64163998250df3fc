using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amp.Dispatch;
using Amp.Samples.Calculator;
using Amp.Transports;

namespace Amp.Samples.Startup;

/// <summary>
/// <c>first-call</c>: a server and a client in this process, over loopback TCP, and one answered Sum call:
/// how long a fresh process takes to its first answered call (JIT against NativeAOT, docs/source-generator.md#numbers).
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
        TimeSpan sinceMain = Stopwatch.GetElapsedTime(started);
        TimeSpan sinceProcessStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first-call: Sum(20, 22) = {answer.Total}; {sinceMain.TotalMilliseconds:F1} ms from Main, {sinceProcessStart.TotalMilliseconds:F0} ms from process start ({(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")})"));
        return answer.Total == 42 ? 0 : 1;
    }

    private static async Task<AmpConnection> AcceptAsync(SocketListener listener, AmpResponders responders, CancellationToken cancellationToken) =>
        AmpConnection.Start(await listener.AcceptAsync(cancellationToken), new AmpConnectionOptions { Responders = responders });
}
