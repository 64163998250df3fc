using System.Net.Sockets;
using Amp.Commands;
using Amp.Dispatch;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Samples.Chat;

/// <summary>
/// An interactive chat client: connects, calls StartTLS, joins, then says each line typed; <c>/who</c>
/// lists who is present, <c>/quit</c>, end of input or Ctrl+C leave. The server calls <see cref="Deliver"/>
/// back to show the others' lines.
/// </summary>
internal static class ChatClient
{
    /// <summary>Exit code when the server is unreachable or lost.</summary>
    public const int LostServer = 2;

    /// <summary>Exit code when the nickname is taken (or refused).</summary>
    public const int NicknameRefused = 3;

    public static async Task<int> RunAsync(ChatArguments arguments, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(arguments.Name))
        {
            output.WriteLine("chat-client needs --name NAME (see --help)");
            return 1;
        }

        ChatCertificates certificates = ChatCertificates.Load(arguments, "client", output);
        var responders = new AmpResponders().Add<Deliver, AmpEmptyResponse>(deliver =>
        {
            string when = deliver.At.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            output.WriteLine(deliver.From == "*" ? $"[{when}] * {deliver.Text}" : $"[{when}] <{deliver.From}> {deliver.Text}");
            return AmpEmptyResponse.Instance;
        });

        AmpTransport transport;
        try
        {
            transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", arguments.Port, cancellationToken: cancellationToken);
        }
        catch (SocketException e)
        {
            output.WriteLine($"* lost the server: cannot connect to 127.0.0.1:{arguments.Port} ({e.SocketErrorCode})");
            return LostServer;
        }

        await using AmpConnection connection = AmpConnection.Start(transport, new AmpConnectionOptions { Responders = responders });
        try
        {
            TlsConnectionInfo tls = await connection.StartTlsAsync(
                new TlsLayerOptions
                {
                    LocalCertificate = certificates.Local,
                    TrustedAuthorities = [certificates.Authority],
                    TargetHost = "localhost",
                },
                cancellationToken);
            output.WriteLine($"* TLS: {tls.Protocol}, {tls.CipherSuite}, server certificate {tls.PeerCertificate?.Subject} (issued by {tls.PeerCertificate?.Issuer}; {certificates.Origin})");

            try
            {
                await connection.CallRemoteAsync(new Join { Nickname = arguments.Name }, cancellationToken);
            }
            catch (Exception e) when (e is NicknameTakenException or ArgumentException)
            {
                output.WriteLine($"* cannot join: {e.Message}");
                return NicknameRefused;
            }

            output.WriteLine($"* joined as {arguments.Name}; type a line to say it, /who, /quit");
            return await ChatAsync(connection, input, output, cancellationToken);
        }
        catch (AmpConnectionLostException e)
        {
            output.WriteLine($"* lost the server: {e.Message} ({e.Reason})");
            return LostServer;
        }
        catch (AmpTlsException e)
        {
            output.WriteLine($"* lost the server: TLS failed ({e.Failure}): {e.Message}");
            return LostServer;
        }
    }

    private static async Task<int> ChatAsync(AmpConnection connection, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        Task<AmpConnectionLostException> lost = connection.Completion;
        var interrupted = new TaskCompletionSource();
        using CancellationTokenRegistration registration = cancellationToken.Register(() => interrupted.TrySetResult());
        while (true)
        {
            // Console.In reads synchronously; read on the pool so the connection and Ctrl+C are watched meanwhile.
            Task<string?> read = Task.Run(input.ReadLine, CancellationToken.None);
            Task first = await Task.WhenAny(read, lost, interrupted.Task);
            if (first == lost)
            {
                output.WriteLine($"* lost the server: {lost.Result.Message} ({lost.Result.Reason})");
                return LostServer;
            }

            if (first == interrupted.Task)
            {
                return await LeaveAsync(connection, output, "interrupted");
            }

            string? line = await read;
            if (line is null)
            {
                return await LeaveAsync(connection, output, "end of input");
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "/quit")
            {
                return await LeaveAsync(connection, output, "/quit");
            }

            if (line == "/who")
            {
                WhoResult who = await connection.CallRemoteAsync(new Who(), CancellationToken.None);
                output.WriteLine($"* present: {string.Join(", ", who.Nicknames)}");
                continue;
            }

            if (line.StartsWith('/'))
            {
                output.WriteLine("* commands: /who, /quit; anything else is said to everyone");
                continue;
            }

            await connection.CallRemoteAsync(new Say { Text = line }, CancellationToken.None);
        }
    }

    private static async Task<int> LeaveAsync(AmpConnection connection, TextWriter output, string why)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await connection.CallRemoteAsync(new Leave(), timeout.Token);
            output.WriteLine($"* left ({why})");
            return 0;
        }
        catch (AmpConnectionLostException e)
        {
            output.WriteLine($"* lost the server: {e.Message} ({e.Reason})");
            return LostServer;
        }
    }
}
