namespace Amp.Samples.Chat;

/// <summary>
/// The typing side of a chat terminal: each line typed is said; <c>/who</c> lists who is present;
/// <c>/quit</c>, end of input or Ctrl+C leave. Shared by the client and the hosting peer.
/// </summary>
internal static class ChatTerminal
{
    public const string Commands = "type a line to say it, /who to see who is here, /quit to leave";

    /// <summary>Why the terminal stopped.</summary>
    public enum Exit
    {
        /// <summary>The user typed <c>/quit</c>.</summary>
        Quit,

        /// <summary>The input ended (Ctrl+D, or a closed pipe).</summary>
        EndOfInput,

        /// <summary>Ctrl+C.</summary>
        Interrupted,

        /// <summary><c>ended</c> completed: the chat went away underneath.</summary>
        Ended,
    }

    /// <summary>Reads lines until the user leaves, <paramref name="ended"/> completes or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="say">Says a line; may throw <see cref="ArgumentException"/> for a line that cannot be said.</param>
    /// <param name="who">The nicknames present.</param>
    public static async Task<Exit> RunAsync(
        Func<string, Task> say,
        Func<Task<IReadOnlyList<string>>> who,
        Task ended,
        TextReader input,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        // Completed from the Ctrl+C handler: leaving the chat must not run on the signal's thread.
        var interrupted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration registration = cancellationToken.Register(() => interrupted.TrySetResult());
        while (true)
        {
            // Console.In blocks; read on the pool so that the chat ending and Ctrl+C are noticed meanwhile.
            Task<string?> read = Task.Run(input.ReadLine, CancellationToken.None);
            Task first = await Task.WhenAny(read, ended, interrupted.Task);
            if (first == ended)
            {
                return Exit.Ended;
            }

            if (first == interrupted.Task)
            {
                return Exit.Interrupted;
            }

            string? line = await read;
            if (line is null)
            {
                // Ctrl+C on a terminal also ends a pending read; report it as the interruption it is.
                return cancellationToken.IsCancellationRequested ? Exit.Interrupted : Exit.EndOfInput;
            }

            line = line.Replace('\t', ' ').Trim();
            switch (line)
            {
                case "":
                    continue;
                case "/quit":
                    return Exit.Quit;
                case "/who":
                    output.WriteLine($"* present: {string.Join(", ", await who())}");
                    continue;
                case ['/', ..]:
                    output.WriteLine($"* {Commands}");
                    continue;
            }

            try
            {
                await say(line);
            }
            catch (ArgumentException e)
            {
                output.WriteLine($"* not said: {e.Message}");
            }
        }
    }

    /// <summary>How <paramref name="exit"/> reads in a farewell line.</summary>
    public static string Describe(Exit exit) => exit switch
    {
        Exit.Quit => "/quit",
        Exit.EndOfInput => "end of input",
        Exit.Interrupted => "interrupted",
        _ => "the chat ended",
    };
}
