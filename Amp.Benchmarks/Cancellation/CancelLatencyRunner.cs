using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amp.Transports;

namespace Amp.Benchmarks.Cancellation;

/// <summary>
/// "cancel [calls]": over loopback TCP, the time from <see cref="CancellationTokenSource.Cancel()"/> on the
/// caller to the callee's responder token firing (the cancellation extension), per call, as percentiles.
/// </summary>
internal static class CancelLatencyRunner
{
    public static async Task RunAsync(int calls)
    {
        SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<SocketTransport> connecting = SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port);
        AmpTransport serverTransport = await listener.AcceptAsync().ConfigureAwait(false);
        var waiter = new WaitResponder();
        await using AmpConnection server = AmpConnection.Start(serverTransport, new AmpConnectionOptions
        {
            Name = "cancel-server", Responders = new AmpResponders().Add<WaitCommand, WaitResult>(waiter.RespondAsync),
        });
        await using AmpConnection client = AmpConnection.Start(await connecting.ConfigureAwait(false), new AmpConnectionOptions { Name = "cancel-client" });
        Console.WriteLine($"Agreed: {await client.NegotiateExtensionsAsync().ConfigureAwait(false)}");

        var micros = new double[calls];
        for (int i = -50; i < calls; i++)
        {
            using var cancel = new CancellationTokenSource();
            Task<(TaskCompletionSource<long> Fired, Task Started)> next = waiter.NextAsync();
            Task<WaitResult> call = client.CallRemoteAsync(new WaitCommand(), cancel.Token);
            (TaskCompletionSource<long> fired, Task started) = await next.ConfigureAwait(false);
            await started.ConfigureAwait(false);
            long before = Stopwatch.GetTimestamp();
            await cancel.CancelAsync().ConfigureAwait(false);
            long at = await fired.Task.ConfigureAwait(false);
            await call.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            if (i >= 0)
            {
                micros[i] = Stopwatch.GetElapsedTime(before, at).TotalMicroseconds;
            }
        }

        Array.Sort(micros);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cancel() to the peer responder's token firing, loopback TCP, {calls} calls: median {micros[calls / 2]:0} us, p90 {micros[calls * 9 / 10]:0} us, p99 {micros[calls * 99 / 100]:0} us, max {micros[^1]:0} us"));
        await listener.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class WaitResponder
    {
        private TaskCompletionSource<(TaskCompletionSource<long>, Task)> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<(TaskCompletionSource<long> Fired, Task Started)> NextAsync() => _next.Task;

        public async Task<WaitResult> RespondAsync(WaitCommand command, CancellationToken cancellationToken)
        {
            var fired = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static state => ((TaskCompletionSource<long>)state!).TrySetResult(Stopwatch.GetTimestamp()), fired);
            TaskCompletionSource<(TaskCompletionSource<long>, Task)> current = _next;
            _next = new TaskCompletionSource<(TaskCompletionSource<long>, Task)>(TaskCreationOptions.RunContinuationsAsynchronously);
            current.TrySetResult((fired, Task.CompletedTask));
            await fired.Task.ConfigureAwait(false);
            throw new OperationCanceledException(cancellationToken);
        }
    }
}

[AmpCommand("Wait")]
internal sealed class WaitCommand : IAmpCommand<WaitResult>;

internal sealed class WaitResult;
