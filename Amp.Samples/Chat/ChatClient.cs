using Amp.Samples.Chat.Commands;

namespace Amp.Samples.Chat;

/// <summary>
/// The interactive chat client: connects and calls StartTLS (or negotiates TLS through a web port with
/// <c>--via</c>: <see cref="ChatConnecting"/>), joins, then says each line typed (see
/// <see cref="ChatTerminal"/>). The server calls <see cref="Deliver"/> back to show the others' lines.
/// </summary>
internal static class ChatClient
{
    /// <summary>Exit code when the server is unreachable, refuses TLS or goes away.</summary>
    public const int LostServer = 2;

    /// <summary>Exit code when the nickname is taken (or refused).</summary>
    public const int NicknameRefused = 3;

    /// <summary>How often a member pings the server, well within its default 600 s idle timeout.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(60);

    /// <summary>How long a server that said it is going away is given to finish and close (it takes 2 s at most).</summary>
    private static readonly TimeSpan GoingAwayPatience = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(ChatArguments arguments, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        if (arguments.Name is not { } nickname)
        {
            output.WriteLine("chat-client needs --name NAME (see --help)");
            return 1;
        }

        ChatCertificates certificates = ChatCertificates.Load(arguments, ChatCertificates.Role.Client, output);
        var responders = new AmpResponders().Add<Deliver, AmpEmptyResponse>(line =>
        {
            output.WriteLine(ChatText.Format(line));
            return AmpEmptyResponse.Instance;
        });

        (AmpConnection? connected, int exitCode) = await ChatConnecting.ConnectAsync(arguments, certificates, responders, output, cancellationToken);
        if (connected is null)
        {
            return exitCode;
        }

        await using AmpConnection connection = connected;
        try
        {
            try
            {
                await connection.CallRemoteAsync(new Join { Nickname = nickname }, cancellationToken);
            }
            catch (Exception e) when (e is NicknameTakenException or ArgumentException)
            {
                output.WriteLine($"* cannot join: {e.Message}");
                return NicknameRefused;
            }

            output.WriteLine($"* joined as {nickname}; {ChatTerminal.Commands}");
            using var stopPinging = new CancellationTokenSource();
            Task pinging = KeepAliveAsync(connection, stopPinging.Token);
            ChatTerminal.Exit exit = await ChatTerminal.RunAsync(
                text => connection.CallRemoteAsync(new Say { Text = text }, CancellationToken.None),
                async () => (await connection.CallRemoteAsync(new Who(), CancellationToken.None)).Nicknames,
                Task.WhenAny(connection.Completion, GoingAwayAsync(connection)),
                input,
                output,
                cancellationToken);
            stopPinging.Cancel();
            await pinging;
            if (exit == ChatTerminal.Exit.Ended)
            {
                return await ReportEndAsync(connection, output);
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await connection.CallRemoteAsync(new Leave(), patience.Token);
            output.WriteLine($"* left ({ChatTerminal.Describe(exit)})");
            return 0;
        }
        catch (AmpConnectionLostException e)
        {
            return ReportLost(e, output);
        }
        catch (AmpConnectionClosingException)
        {
            // A line, /who or the farewell crossed the server's notice that it is going away.
            return await ReportEndAsync(connection, output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            output.WriteLine("* the server did not answer in time; leaving");
            return LostServer;
        }
    }

    /// <summary>Pings until stopped or the connection ends; a lost connection is reported by the terminal, not here.</summary>
    private static async Task KeepAliveAsync(AmpConnection connection, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(KeepAliveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await connection.CallRemoteAsync(new Ping(), stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or AmpConnectionLostException or AmpConnectionClosingException)
        {
        }
    }

    /// <summary>Completes when the server says it is going away (it then closes once the lines in flight are delivered).</summary>
    private static Task GoingAwayAsync(AmpConnection connection)
    {
        var goingAway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.GoingAway.Register(() => goingAway.TrySetResult());
        return goingAway.Task;
    }

    /// <summary>Reports the end of the chat: when the server said it is going away, after waiting for it to close.</summary>
    private static async Task<int> ReportEndAsync(AmpConnection connection, TextWriter output)
    {
        if (connection.GoingAway.IsCancellationRequested)
        {
            output.WriteLine("* the server is going away");
            await Task.WhenAny(connection.Completion, Task.Delay(GoingAwayPatience));
            await connection.CloseAsync();
        }

        return ReportLost(await connection.Completion, output);
    }

    private static int ReportLost(AmpConnectionLostException lost, TextWriter output)
    {
        output.WriteLine($"* lost the server: {lost.Message} ({lost.Reason})");
        return LostServer;
    }
}
