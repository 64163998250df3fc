using System.Net.Sockets;

namespace Amp.Samples.Calculator;

/// <summary>The <c>calc-demo</c>, <c>calc-server</c> and <c>calc-client</c> subcommands: their flags, help and failures.</summary>
internal static class CalculatorProgram
{
    /// <summary>calc-client: the server could not be reached, or went away.</summary>
    public const int NoServerExitCode = 3;

    public static bool Handles(string command) => command is "calc-demo" or "calc-server" or "calc-client";

    public static async Task<int> RunAsync(string command, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        SampleFlags? flags = SampleFlags.Parse(command, args, command == "calc-demo" ? [] : ["--port", "--host"], Console.Error);
        if (flags is null)
        {
            return SampleFlags.UsageExitCode;
        }

        if (flags.Help)
        {
            Console.WriteLine(Help(command));
            return 0;
        }

        // calc-server --port 0 takes any free port (it prints which).
        string host = flags.Get("--host", "127.0.0.1");
        if (flags.Number("--port", 5000, command == "calc-server" ? 0 : 1, 65535, "a port number") is not { } port)
        {
            return SampleFlags.UsageExitCode;
        }

        try
        {
            switch (command)
            {
                case "calc-demo":
                    return await CalculatorDemo.RunAsync(cancellationToken);
                case "calc-server":
                    return await CalculatorServer.RunAsync(host, (int)port, Console.Out, cancellationToken);
                default:
                    await CalculatorClient.RunAsync(host, (int)port, Environment.UserName, Console.Out, cancellationToken);
                    return 0;
            }
        }
        catch (SocketException e) when (command == "calc-client")
        {
            Console.Error.WriteLine($"calc-client: cannot connect to {host}:{port}: {e.Message} (is calc-server running? dotnet run --project Amp.Samples -- calc-server)");
            return NoServerExitCode;
        }
        catch (AmpConnectionLostException e) when (command == "calc-client")
        {
            Console.Error.WriteLine($"calc-client: lost the server ({e.Reason}): {e.InnerException?.Message ?? e.Message}");
            return NoServerExitCode;
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"{command}: cannot listen on {host}:{port}: {e.Message}");
            return NoServerExitCode;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{command}: {e.Message}");
            return SampleFlags.UsageExitCode;
        }
    }

    private static string Help(string command) => command switch
    {
        "calc-demo" => """
            calc-demo
              Starts calc-server as a child process on a free port, runs calc-client against it and prints
              both sides. Ctrl+C or SIGTERM stops it (exit code 130).
            """,
        "calc-server" => """
            calc-server [--port N] [--host ADDRESS]
              Answers Sum, Divide (dividing by zero is the declared error ZERO_DIVISION) and Greet (which calls
              WhoAreYou back on the client) on ADDRESS:N (default 127.0.0.1:5000; --port 0 takes a free port),
              printing each call. Ctrl+C or SIGTERM closes the connections and stops it (exit code 0).
              Exit codes: 0 stopped, 2 bad flags, 3 cannot listen (the port is taken, say).
            """,
        _ => """
            calc-client [--port N] [--host HOST]
              Calls the calculator server on HOST:N (default 127.0.0.1:5000): Sum, Divide, a declared error,
              Greet (answering the server's WhoAreYou), a thousand calls in flight, and an unknown command.
              Exit codes: 0 done, 2 bad flags, 3 no server there (or it went away), 130 interrupted.
            """,
    };
}
