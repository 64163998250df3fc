using System.Collections.Concurrent;
using System.Net;
using Amp.Boxes;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tool;

/// <summary>An Amp.NET server on a free loopback port (or a Unix socket) for <c>amp call</c> to call.</summary>
internal sealed class ToolTestServer : IAsyncDisposable
{
    private readonly SocketListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<AmpConnection> _connections = [];
    private readonly Task _accepting;

    private ToolTestServer(SocketListener listener, AmpResponders responders)
    {
        _listener = listener;
        _accepting = AcceptAsync(responders);
    }

    /// <summary>The address to give <c>amp call</c>.</summary>
    public string Address => _listener.UnixSocketPath is { } path ? "unix:" + path : $"127.0.0.1:{_listener.Port}";

    public static ToolTestServer Start(AmpResponders responders, TlsLayerOptions? tls = null, string? unixPath = null)
    {
        if (tls is not null)
        {
            responders.AddStartTls(tls);
        }

        SocketListener listener = unixPath is null ? SocketListener.ListenTcp(IPAddress.Loopback, 0) : SocketListener.ListenUnix(unixPath);
        return new ToolTestServer(listener, responders);
    }

    /// <summary>A raw responder for <paramref name="command"/> that records its arguments in <paramref name="received"/> and answers <paramref name="answer"/> of them.</summary>
    public static AmpResponders Recording(AmpResponders responders, string command, ConcurrentQueue<AmpBox> received, Func<AmpBox, AmpBox> answer) =>
        responders.AddRaw(command, (box, _, _) =>
        {
            AmpBox arguments = Arguments(box);
            received.Enqueue(arguments);
            return ValueTask.FromResult(answer(arguments));
        });

    /// <summary>A raw responder that answers each call with its arguments.</summary>
    public static AmpResponders Echoing(AmpResponders responders, string command) =>
        responders.AddRaw(command, (box, _, _) => ValueTask.FromResult(Arguments(box)));

    /// <summary>A command box without <c>_ask</c> and <c>_command</c> (a raw responder gets the whole box).</summary>
    public static AmpBox Arguments(AmpBox box)
    {
        var arguments = new AmpBox();
        foreach (string key in box.Keys.Where(k => k is not "_ask" and not "_command"))
        {
            arguments[key] = box[key];
        }

        return arguments;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listener.DisposeAsync();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        foreach (AmpConnection connection in _connections)
        {
            await connection.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(AmpResponders responders)
    {
        var options = new AmpConnectionOptions { Responders = responders, Name = "test-server" };
        while (!_stop.IsCancellationRequested)
        {
            AmpTransport transport = await _listener.AcceptAsync(_stop.Token);
            _connections.Add(AmpConnection.Start(transport, options));
        }
    }
}
