using System.Runtime.InteropServices;
using Amp;
using Amp.Samples;
using Amp.Samples.Calculator;
using Amp.Samples.Chat;
using Amp.Samples.FileTransfer;
using Amp.Samples.LineTls;
using Amp.Transports;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C asks the sample to finish cleanly; a second one ends the process at once.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};

// SIGTERM (a service manager, a container stopping, kill) is a first Ctrl+C too, for every subcommand: the
// chat server tells its clients it is going away, calc-server closes its connections. A second one ends the
// process at once.
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
});

string command = args.Length > 0 ? args[0] : "--help";
string[] flags = args.Length > 0 ? args[1..] : [];

try
{
    if (ChatProgram.Handles(command))
    {
        return await ChatProgram.RunAsync(command, flags, cancel.Token);
    }

    if (CalculatorProgram.Handles(command))
    {
        return await CalculatorProgram.RunAsync(command, flags, cancel.Token);
    }

    if (TransferProgram.Handles(command))
    {
        return await TransferProgram.RunAsync(flags, cancel.Token);
    }

    if (LineTlsProgram.Handles(command))
    {
        return await LineTlsProgram.RunAsync(flags, cancel.Token);
    }

    if (command == "calc-stdio-child")
    {
        if (flags is ["--help"] or ["-h"])
        {
            Console.WriteLine("calc-stdio-child\n  Answers the calculator and accepts files (SendFile) over its stdin/stdout, for a parent process\n  that starts it (ChildProcessTransport); it prints to stderr and ends when the parent goes away.");
            return 0;
        }

        return flags.Length == 0 ? await RunStdioChildAsync(cancel.Token) : Usage("calc-stdio-child takes no flags (a parent process drives it over stdin/stdout)");
    }

    if (command == "chat-host")
    {
#if AMP_SAMPLES_HOSTED
        return await Amp.Samples.ChatHost.ChatHostProgram.RunAsync(flags, Console.Out, cancel.Token);
#else
        // The native build leaves it out: Amp.Hosting is not NativeAOT-compatible (docs/source-generator.md#nativeaot).
        Console.Error.WriteLine("chat-host is not in this native build (Amp.Hosting needs the JIT); run it with: dotnet run --project Amp.Samples -- chat-host");
        return 2;
#endif
    }

    if (command == "first-call")
    {
        if (flags is ["--help"] or ["-h"])
        {
            Console.WriteLine("first-call\n  A server and a client in this process, one Sum call over loopback TCP; prints the time from the\n  process start to the answer (the startup figure of the NativeAOT and JIT builds).");
            return 0;
        }

        return flags.Length == 0 ? await Amp.Samples.Startup.FirstCall.RunAsync(Console.Out, cancel.Token) : Usage("first-call takes no flags");
    }

    if (command == "telemetry-demo")
    {
        if (flags is ["--help"] or ["-h"])
        {
            Console.WriteLine("telemetry-demo\n  The calculator over loopback TCP with OpenTelemetry wired to Amp.NET: a span per call on each side\n  (the server's a child of the client's, trace/1) and the Amp meter, printed by the console exporter.");
            return 0;
        }

        return flags.Length == 0 ? await Amp.Samples.Telemetry.TelemetryDemo.RunAsync(Console.Out, cancel.Token) : Usage("telemetry-demo takes no flags");
    }

    if (command is "--help" or "-h" or "help")
    {
        Console.WriteLine(Commands);
        return 0;
    }

    return Usage($"unknown command '{command}'");
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine($"{command}: interrupted");
    return 130;
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"Amp.Samples: {problem}");
    Console.Error.WriteLine(Commands);
    return 2;
}

static async Task<int> RunStdioChildAsync(CancellationToken cancellationToken)
{
    // AMP runs on stdin/stdout; everything human-readable goes to stderr.
    await using AmpConnection parent = AmpConnection.Start(
        StandardStreamsTransport.Create(),
        new AmpConnectionOptions { Responders = FileReceiver.AddFileReceiver(CalculatorServer.Responders(Console.Error), Console.Error) });
    Console.Error.WriteLine("child: serving the calculator over stdin/stdout");
    AmpConnectionLostException end = await parent.Completion.WaitAsync(cancellationToken);
    if (parent.SwitchedTo is { } switched)
    {
        Console.Error.WriteLine("child: the connection switched protocols; waiting for it to end");
        await switched.Completion.WaitAsync(cancellationToken);
    }

    Console.Error.WriteLine($"child: parent went away ({end.Reason})");
    return 0;
}

/// <summary>The list of subcommands (the samples' top-level help).</summary>
internal static partial class Program
{
    private const string Commands = """
        Amp.NET samples: dotnet run --project Amp.Samples -- COMMAND [flags]   (COMMAND --help for its flags)

          demo                      the chat, unattended: a server and clients as separate processes call
                                    StartTLS, join, talk and leave; prints the transcript (alias chat-demo)
          chat-server [--name NAME] a chat server on 127.0.0.1:5001; with --name you chat from it too
          chat-client --name NAME   an interactive chat client: type a line to say it, /who, /quit
          chat-host                 the chat server on the .NET host (ChatHost/appsettings.json): the AMP listener
                                    on 127.0.0.1:5001 and a web port 127.0.0.1:5080 with the negotiation in front
                                    (chat-client --via http://127.0.0.1:5080/amp/chat); chat-host --help
          calc-demo                 a calculator server and client as two processes, printing every call
          calc-server [--port N]    answer Sum, Divide and Greet on 127.0.0.1:N (default 5000)
          calc-client [--port N]    call the server on 127.0.0.1:N
          calc-stdio-child          answer the calculator and accept files (SendFile) over stdin/stdout
                                    (a parent process drives it)
          transfer [--megabytes N]  send a file as a stream argument of an AMP call, and by switching the
                                    connection to raw bytes (plain, then inside TLS); check its SHA-256
                                    and print each throughput (default 64 MB)
          line-tls-demo             a text line protocol (no AMP) with STARTTLS and STOPTLS, server and client
                                    over loopback TCP: TLS, TLS inside TLS, back to plaintext, nothing lost
          first-call                a server and a client in this process, one Sum call over loopback TCP;
                                    prints the time from the process start to the answer
          telemetry-demo            the calculator with OpenTelemetry: a span per call on each side (the server's
                                    a child of the client's, trace/1) and the Amp meter, printed by the console exporter

        Ctrl+C or SIGTERM stops any of them.
        """;
}
