using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Amp.Transports;

namespace Amp.Tool.Listening;

/// <summary>
/// <c>amp listen</c>: accepts connections until interrupted (or, with <c>--connections N</c>, until N
/// connections have come and gone), each served by a <see cref="ListenReceiver"/> on a bare
/// <see cref="BinaryBoxProtocol"/>, so every box is seen exactly as it arrived.
/// </summary>
internal static class ListenServer
{
    public static async Task<int> RunAsync(ListenRequest request, ToolConsole console, CancellationToken cancellationToken)
    {
        SocketListener listener;
        try
        {
            listener = request.Address.IsUnix
                ? SocketListener.ListenUnix(request.Address.UnixPath!)
                : SocketListener.ListenTcp(request.Address.ListenAddress, request.Address.Port);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ToolException(ExitCodes.ConnectFailed, $"cannot listen on {request.Address}: {e.Message}", e);
        }

        await using (listener.ConfigureAwait(false))
        {
            var log = new ListenLog(console.Out, request.Json);
            log.Listening(request.Address.IsUnix ? "unix:" + listener.UnixSocketPath : listener.LocalEndPoint.ToString()!);
            var open = new ConcurrentDictionary<int, BinaryBoxProtocol>();
            var ended = new List<Task>();
            try
            {
                for (int number = 1; request.Connections is not { } limit || number <= limit; number++)
                {
                    AmpTransport transport;
                    try
                    {
                        transport = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        return ExitCodes.Success;
                    }

                    ended.Add(Serve(number, transport, log, request, open));
                }

                await Task.WhenAll(ended).WaitAsync(cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            finally
            {
                foreach (BinaryBoxProtocol protocol in open.Values)
                {
                    await protocol.CloseAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static Task Serve(int number, AmpTransport transport, ListenLog log, ListenRequest request, ConcurrentDictionary<int, BinaryBoxProtocol> open)
    {
        string peer = transport is SocketTransport { RemoteEndPoint: IPEndPoint endPoint } ? endPoint.ToString() : transport.Description;
        log.Event(number, peer, "connected");
        var receiver = new ListenReceiver(number, peer, log, request.Script, request.Tls);
        BinaryBoxProtocol protocol = BinaryBoxProtocol.Start(transport, receiver, new BinaryBoxProtocolOptions { Name = $"#{number} {peer}" });
        open[number] = protocol;
        receiver.Attach(protocol);
        return protocol.Completion.ContinueWith(
            _ => open.TryRemove(number, out BinaryBoxProtocol? _),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
