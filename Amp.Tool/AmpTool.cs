using System.CommandLine;
using System.CommandLine.Help;
using Amp.Tool.Cli;

namespace Amp.Tool;

/// <summary>The <c>amp</c> command line: <c>call</c>, <c>listen</c> and <c>decode</c>. Tests run it in process through <see cref="RunAsync"/>.</summary>
internal static class AmpTool
{
    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="console">Where to read and write.</param>
    /// <param name="cancellationToken">Interrupts the command (as Ctrl+C does).</param>
    /// <param name="handleSignals">Whether Ctrl+C and SIGTERM interrupt it (the process's own run; not in tests).</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args, ToolConsole console, CancellationToken cancellationToken, bool handleSignals = false)
    {
        Command root = Create(console);
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is not HelpAction)
        {
            var names = new List<string>();
            for (Symbol? symbol = result.CommandResult.Command; symbol is Command command; symbol = command.Parents.FirstOrDefault())
            {
                names.Insert(0, command.Name);
            }

            string where = string.Join(' ', names);
            // One line: System.CommandLine lists suggestions on lines of their own.
            string[] lines = result.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string message = lines.Length == 1 ? lines[0] : $"{lines[0]} {string.Join(", ", lines[1..])}";
            console.Error.WriteLine($"{where}: {message} (see {where} --help)");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = handleSignals ? TimeSpan.FromSeconds(5) : null,
        };
        return await result.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    private static Command Create(ToolConsole console)
    {
        // A Command named amp rather than a RootCommand, which would take the name of the executable running it (a test host, in tests).
        var root = new Command("amp", $"""
            amp: call AMP servers (Twisted's Asynchronous Messaging Protocol) from a shell, watch what a client sends, decode captured bytes.

              amp call 127.0.0.1:5000 Sum a:int=13 b:int=81
              amp listen 5000
              amp decode capture.bin

            {ExitCodes.Table}
            """)
        {
            CallCommand.Create(console),
            ListenCommand.Create(console),
            DecodeCommand.Create(console),
        };
        root.Options.Add(new HelpOption { Recursive = true });
        root.Options.Add(new VersionOption());
        root.SetAction(result =>
        {
            new HelpAction().Invoke(result);
            return ExitCodes.Usage;
        });
        return root;
    }
}
