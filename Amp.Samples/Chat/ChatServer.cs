using System.Net;
using Amp.Commands;
using Amp.Dispatch;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Samples.Chat;

/// <summary>
/// The chat server: answers StartTLS, Join, Say, Who and Leave on 127.0.0.1, and calls <see cref="Deliver"/>
/// back on every other member for each line said. Members whose Deliver fails or times out are dropped.
/// </summary>
internal sealed class ChatServer
{
    private static readonly TimeSpan DeliverTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan JoinDeadline = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AmpConnection> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<AmpConnection, string> _byConnection = [];
    private readonly TextWriter _log;

    private ChatServer(TextWriter log) => _log = log;

    public static async Task<int> RunAsync(ChatArguments arguments, TextWriter log, CancellationToken cancellationToken)
    {
        ChatCertificates certificates = ChatCertificates.Load(arguments, "server", log);
        var tls = new TlsLayerOptions
        {
            LocalCertificate = certificates.Local,
            TrustedAuthorities = [certificates.Authority],
            RequireClientCertificate = false,
        };
        var server = new ChatServer(log);
        var options = new AmpConnectionOptions { Responders = server.Responders(tls) };
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, arguments.Port);
        log.WriteLine($"* certificates: {certificates.Origin}");
        log.WriteLine($"* listening on {listener.LocalEndPoint}; Join and Say need StartTLS first");
        while (!cancellationToken.IsCancellationRequested)
        {
            AmpTransport transport;
            try
            {
                transport = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.WriteLine($"* accept failed: {e.Message}");
                continue;
            }

            AmpConnection connection = AmpConnection.Start(transport, options);
            log.WriteLine($"* {connection.Name} connected");
            _ = connection.Completion.ContinueWith(
                t => server.Ended(connection, t.Result),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _ = server.EnforceJoinDeadlineAsync(connection);
        }

        log.WriteLine("* server stopping");
        return 0;
    }

    private AmpResponders Responders(TlsLayerOptions tls) => new AmpResponders()
        .AddStartTls(connection =>
        {
            _log.WriteLine($"tls: {connection.Name} asks for StartTLS");
            return tls;
        })
        .Add<Join, AmpEmptyResponse>((join, connection, _) =>
        {
            TlsConnectionInfo layer = RequireTls(connection, "Join");
            string nickname = join.Nickname.Trim();
            if (nickname.Length is 0 or > 32 || nickname == "*" || nickname.Any(char.IsControl))
            {
                throw new ArgumentException($"'{join.Nickname}' is not a usable nickname (1 to 32 characters, no control characters, not '*')");
            }

            lock (_gate)
            {
                if (_byConnection.ContainsKey(connection))
                {
                    throw new ArgumentException($"this connection has already joined as {_byConnection[connection]}");
                }

                if (_byName.ContainsKey(nickname))
                {
                    _log.WriteLine($"join: {connection.Name} asked for '{nickname}', which is taken -> NICKNAME_TAKEN");
                    throw new NicknameTakenException($"the nickname '{nickname}' is taken");
                }

                _byName.Add(nickname, connection);
                _byConnection.Add(connection, nickname);
            }

            _log.WriteLine($"joined: {nickname} ({connection.Name}, over {layer.Protocol}, client certificate {layer.PeerCertificate?.Subject ?? "none"})");
            Broadcast("*", $"{nickname} joined", except: connection);
            return ValueTask.FromResult(AmpEmptyResponse.Instance);
        })
        .Add<Say, AmpEmptyResponse>((say, connection, _) =>
        {
            RequireTls(connection, "Say");
            string nickname = NicknameOf(connection) ?? throw new InvalidOperationException("join first");
            _log.WriteLine($"message: <{nickname}> {say.Text}");
            Broadcast(nickname, say.Text, except: connection);
            return ValueTask.FromResult(AmpEmptyResponse.Instance);
        })
        .Add<Who, WhoResult>((_, connection, _) =>
        {
            string[] names;
            lock (_gate)
            {
                names = [.. _byName.Keys.Order(StringComparer.OrdinalIgnoreCase)];
            }

            _log.WriteLine($"who: {NicknameOf(connection) ?? connection.Name} asks; present: {string.Join(", ", names)}");
            return ValueTask.FromResult(new WhoResult { Nicknames = names });
        })
        .Add<Leave, AmpEmptyResponse>((_, connection, _) =>
        {
            Remove(connection, "left");
            return ValueTask.FromResult(AmpEmptyResponse.Instance);
        });

    private TlsConnectionInfo RequireTls(AmpConnection connection, string command)
    {
        IReadOnlyList<TlsConnectionInfo> layers = connection.GetTlsLayers();
        if (layers.Count == 0)
        {
            _log.WriteLine($"refused: {command} from {connection.Name} in plaintext -> TLS_REQUIRED");
            throw new TlsRequiredException($"{command} needs TLS: call StartTLS first");
        }

        return layers[^1];
    }

    private string? NicknameOf(AmpConnection connection)
    {
        lock (_gate)
        {
            return _byConnection.GetValueOrDefault(connection);
        }
    }

    private void Ended(AmpConnection connection, AmpConnectionLostException end)
    {
        _log.WriteLine($"* {connection.Name} disconnected ({end.Reason})");
        Remove(connection, "left");
    }

    private void Remove(AmpConnection connection, string how)
    {
        string? nickname;
        lock (_gate)
        {
            if (!_byConnection.Remove(connection, out nickname))
            {
                return;
            }

            _byName.Remove(nickname);
        }

        _log.WriteLine($"{how}: {nickname}");
        Broadcast("*", $"{nickname} {how}", except: connection);
    }

    private void Broadcast(string from, string text, AmpConnection except)
    {
        KeyValuePair<AmpConnection, string>[] members;
        lock (_gate)
        {
            members = [.. _byConnection.Where(m => m.Key != except)];
        }

        var deliver = new Deliver { From = from, Text = text, At = DateTimeOffset.Now };
        foreach ((AmpConnection member, string nickname) in members)
        {
            _ = DeliverAsync(member, nickname, deliver);
        }
    }

    private async Task DeliverAsync(AmpConnection member, string nickname, Deliver deliver)
    {
        try
        {
            using var timeout = new CancellationTokenSource(DeliverTimeout);
            await member.CallRemoteAsync(deliver, timeout.Token);
        }
        catch (Exception e)
        {
            _log.WriteLine($"dropped: {nickname}, whose Deliver failed ({e.GetType().Name}: {e.Message})");
            await member.CloseAsync();   // Completion then removes it and tells the others
        }
    }

    private async Task EnforceJoinDeadlineAsync(AmpConnection connection)
    {
        await Task.WhenAny(connection.Completion, Task.Delay(JoinDeadline));
        if (connection.IsConnected && NicknameOf(connection) is null)
        {
            _log.WriteLine($"* {connection.Name} did not join within {JoinDeadline.TotalSeconds:0} s; closing it");
            await connection.CloseAsync();
        }
    }
}
