using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Amp.Samples.Chat.Commands;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Samples.Chat;

/// <summary>
/// The chat server: answers StartTLS, Join, Say, Who and Leave, and calls <see cref="Deliver"/> back on
/// every other member for each line said. With <c>--name</c> it is also a peer in its own room, typed
/// into from its terminal. Connections that do not join in time are closed, so clients that never
/// finish their handshake or never join cost nothing for long.
/// </summary>
internal sealed class ChatServer
{
    private static readonly TimeSpan DeliverTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FarewellTime = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly ChatRoom _room = new();
    private readonly ConcurrentDictionary<AmpConnection, byte> _connections = new();

    // Apart from _connections: a client's Join can arrive before the accept loop has recorded its connection.
    private readonly ConcurrentDictionary<AmpConnection, RemoteMember> _members = new();
    private readonly ChatArguments _arguments;
    private readonly TextWriter _log;
    private readonly bool _hosting;

    private ChatServer(ChatArguments arguments, TextWriter log)
    {
        _arguments = arguments;
        _log = log;
        _hosting = arguments.Name is not null;
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> (Ctrl+C) or, when hosting, until the host leaves.</summary>
    public static async Task<int> RunAsync(ChatArguments arguments, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        ChatCertificates certificates = ChatCertificates.Load(arguments, ChatCertificates.Role.Server, output);
        var tls = new TlsLayerOptions
        {
            LocalCertificate = certificates.Local,

            // Mutual TLS unless told otherwise: a client must hold a certificate from the CA.
            TrustedAuthorities = arguments.AnonymousClients ? [] : [certificates.Authority],
            RequireClientCertificate = !arguments.AnonymousClients,

            // One options instance serves every connection, so they share this bound: 32 handshakes in
            // progress (each holds TLS state and, at its end, costs a signature), and room for every other
            // connection the listener allows to wait its turn, within the 10 s handshake timeout.
            HandshakeLimiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 32, QueueLimit = arguments.MaxConnections }),
        };
        var server = new ChatServer(arguments, output);
        var options = new AmpConnectionOptions
        {
            Responders = server.Responders(tls),

            // Off by default, as in Twisted; a server open to the network closes connections gone silent
            // (clients ping well within it) on top of the default minimum rate for a box once begun.
            IdleTimeout = arguments.IdleTimeout,
        };
        await using SocketListener listener = Listen(arguments, output);
        output.WriteLine($"* certificates: {certificates.Origin}");
        output.WriteLine($"* listening on {listener.LocalEndPoint}; clients must call StartTLS before Join, Say and Who");
        if (arguments.IdleTimeout < 2 * ChatClient.KeepAliveInterval)
        {
            output.WriteLine($"* note: clients ping every {ChatClient.KeepAliveInterval.TotalSeconds:0} s, so an idle timeout of {arguments.IdleTimeout.TotalSeconds:0.#} s drops members who stay quiet");
        }
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task accepting = server.AcceptAsync(listener, options, stopping.Token);
        string? farewell = "the server is stopping";
        if (arguments.Name is { } nickname)
        {
            var host = new TerminalMember(nickname, output);
            server._room.Join(host);
            output.WriteLine($"* you are {nickname}, hosting the chat; {ChatTerminal.Commands}");
            ChatTerminal.Exit exit = await ChatTerminal.RunAsync(
                line =>
                {
                    server._room.Say(host, line);
                    return Task.CompletedTask;
                },
                () => Task.FromResult<IReadOnlyList<string>>(server._room.Nicknames()),
                accepting,
                input,
                output,
                cancellationToken);
            server._room.Leave(host, $"left ({ChatTerminal.Describe(exit)}), so the chat is closing");
            farewell = null;
            await stopping.CancelAsync();
        }

        await accepting;
        await server.StopAsync(farewell);
        return 0;
    }

    private static SocketListener Listen(ChatArguments arguments, TextWriter log)
    {
        // A chat room for people, not a hub for tens of thousands: past --max-connections open connections
        // (1000 by default) new ones are closed at once, and the refusal is logged here.
        var options = new SocketTransportOptions { MaxConnections = arguments.MaxConnections, LoggerFactory = new ChatLog(log) };
        try
        {
            return SocketListener.ListenTcp(arguments.ListenAddress, arguments.Port, options);
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot listen on {arguments.Host}:{arguments.Port}: {e.Message}", e);
        }
    }

    private async Task AcceptAsync(SocketListener listener, AmpConnectionOptions options, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            AmpTransport transport;
            try
            {
                transport = await listener.AcceptAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Out of file descriptors, for instance: wait a little rather than spin on the failure.
                _log.WriteLine($"* accept failed: {e.Message}");
                await Task.Delay(AcceptRetryDelay, CancellationToken.None);
                continue;
            }

            AmpConnection connection = AmpConnection.Start(transport, options);
            _connections.TryAdd(connection, 0);
            _log.WriteLine($"* {connection.Name} connected");
            _ = connection.Completion.ContinueWith(
                ended => Ended(connection, ended.Result),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            _ = CloseUnlessJoinedAsync(connection);
        }
    }

    private AmpResponders Responders(TlsLayerOptions tls) => new AmpResponders()
        .AddStartTls(connection =>
        {
            _log.WriteLine($"* {connection.Name} calls StartTLS");
            return tls;
        })
        .Add<Join, AmpEmptyResponse>((join, connection, _) =>
        {
            TlsConnectionInfo layer = RequireTls(connection, "Join");
            var member = new RemoteMember(join.Nickname, connection, DeliverTimeout, _log);
            if (!_members.TryAdd(connection, member))
            {
                throw new ArgumentException($"this connection has already joined as {MemberOf(connection)?.Nickname}");
            }

            try
            {
                _room.Join(member);
            }
            catch (Exception e)
            {
                _members.TryRemove(new KeyValuePair<AmpConnection, RemoteMember>(connection, member));
                _log.WriteLine($"* {connection.Name} cannot join as '{ChatText.Printable(join.Nickname)}': {e.Message}");
                throw;
            }

            // Ended runs once Completion is done: if it ran before this member was in the room, it could
            // not take it out, so take it out here.
            if (connection.Completion.IsCompleted)
            {
                _members.TryRemove(new KeyValuePair<AmpConnection, RemoteMember>(connection, member));
                _room.Leave(member, "left (disconnected)");
                throw new InvalidOperationException("the connection closed while joining");
            }

            _log.WriteLine($"* {member.Nickname} joined from {connection.Name} over {layer.Protocol} ({layer.CipherSuite}), client certificate {layer.PeerCertificate?.Subject ?? "none"}");
            return ValueTask.FromResult(AmpEmptyResponse.Instance);
        })
        .Add<Say, AmpEmptyResponse>((say, connection, _) =>
        {
            RequireTls(connection, "Say");
            RemoteMember member = MemberOf(connection) ?? throw new InvalidOperationException("join first");
            _room.Say(member, say.Text);
            if (!_hosting)
            {
                _log.WriteLine($"<{member.Nickname}> {ChatText.Printable(say.Text)}");
            }

            return ValueTask.FromResult(AmpEmptyResponse.Instance);
        })
        .Add<Who, WhoResult>((_, connection, _) =>
        {
            RequireTls(connection, "Who");
            return ValueTask.FromResult(new WhoResult { Nicknames = _room.Nicknames() });
        })
        .Add<Ping, AmpEmptyResponse>((_, _, _) => ValueTask.FromResult(AmpEmptyResponse.Instance))
        .Add<Leave, AmpEmptyResponse>((_, connection, _) =>
        {
            if (MemberOf(connection) is { } member && _members.TryRemove(new KeyValuePair<AmpConnection, RemoteMember>(connection, member)) && _room.Leave(member, "left"))
            {
                _log.WriteLine($"* {member.Nickname} left");
            }

            return ValueTask.FromResult(AmpEmptyResponse.Instance);
        });

    private TlsConnectionInfo RequireTls(AmpConnection connection, string command)
    {
        IReadOnlyList<TlsConnectionInfo> layers = connection.GetTlsLayers();
        if (layers.Count == 0)
        {
            _log.WriteLine($"* refused {command} from {connection.Name} in plaintext (TLS_REQUIRED)");
            throw new TlsRequiredException($"{command} needs TLS: call StartTLS first");
        }

        return layers[^1];
    }

    private RemoteMember? MemberOf(AmpConnection connection) => _members.GetValueOrDefault(connection);

    private void Ended(AmpConnection connection, AmpConnectionLostException end)
    {
        _connections.TryRemove(connection, out _);
        _members.TryRemove(connection, out RemoteMember? member);
        string who = member is null ? connection.Name : $"{member.Nickname} ({connection.Name})";
        string cause = end.InnerException is { } inner ? $" ({inner.Message})" : "";
        _log.WriteLine($"* {who} disconnected: {end.Reason}{cause}");
        if (member is not null && _room.Leave(member, "left (disconnected)"))
        {
            _log.WriteLine($"* {member.Nickname} left (disconnected)");
        }
    }

    private async Task CloseUnlessJoinedAsync(AmpConnection connection)
    {
        await Task.WhenAny(connection.Completion, Task.Delay(_arguments.JoinTimeout));
        if (connection.IsConnected && MemberOf(connection) is null)
        {
            _log.WriteLine($"* {connection.Name} did not join within {_arguments.JoinTimeout.TotalSeconds:0.#} s; closing it");
            await connection.CloseAsync();
        }
    }

    /// <summary>
    /// Tells everyone the chat is closing (unless the host's farewell did), then closes every connection
    /// gracefully at once: each client is told the server is going away (it starts no new call), the lines
    /// in flight (the farewell among them) are delivered, and after <see cref="FarewellTime"/> whatever is
    /// left is cut.
    /// </summary>
    private async Task StopAsync(string? announcement)
    {
        _log.WriteLine("* stopping");
        if (announcement is not null)
        {
            _room.Announce(announcement);
        }

        using var patience = new CancellationTokenSource(FarewellTime);
        await Task.WhenAll(_connections.Keys.Select(connection => connection.CloseAsync(patience.Token).AsTask()));
    }
}
