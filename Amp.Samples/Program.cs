using System.Globalization;
using System.Runtime.InteropServices;
using Amp;
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

// SIGTERM (a service manager, a container stopping, kill) is a first Ctrl+C too: the chat server tells its
// clients it is going away before it stops. A second one ends the process at once.
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

    switch (command)
    {
        case "calc-demo":
            return await CalculatorDemo.RunAsync(cancel.Token);
        case "transfer":
            long megabytes = long.Parse(Flag(flags, "--megabytes") ?? "64", CultureInfo.InvariantCulture);
            return await FileTransferDemo.RunAsync(megabytes * 1024 * 1024, Console.Out, cancel.Token);
        case "calc-server":
            await CalculatorServer.RunAsync(Port(flags), Console.Out, cancel.Token);
            return 0;
        case "calc-client":
            await CalculatorClient.RunAsync("127.0.0.1", Port(flags), Environment.UserName, Console.Out, cancel.Token);
            return 0;
        case "calc-stdio-child":
            return await RunStdioChildAsync(cancel.Token);
        case "line-tls-demo":
            return await LineTlsDemo.RunAsync(Console.Out, cancel.Token);
        case "telemetry-demo":
            return await Amp.Samples.Telemetry.TelemetryDemo.RunAsync(Console.Out, cancel.Token);
        case "chat-host":
            return await Amp.Samples.ChatHost.ChatHostProgram.RunAsync(flags, Console.Out, cancel.Token);
        default:
            Console.WriteLine("""
                Amp.NET samples

                  demo                      the chat, unattended: a server and clients as separate processes call
                                            StartTLS, join, talk and leave; prints the transcript (alias chat-demo)
                  chat-server [--name NAME] a chat server on 127.0.0.1:5001; with --name you chat from it too
                  chat-client --name NAME   an interactive chat client: type a line to say it, /who, /quit
                                            (chat-server --help and chat-client --help list every flag)
                  chat-host                 the chat server on the .NET host (ChatHost/appsettings.json): the AMP listener
                                            127.0.0.1:5001 and AMP behind the negotiation on the web port 127.0.0.1:5080
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
                  telemetry-demo            the calculator with OpenTelemetry: a span per call on each side (the server's
                                            a child of the client's, trace/1) and the Amp meter, printed by the console exporter
                """);
            return command is "--help" or "-h" ? 0 : 2;
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    return 130;
}
catch (Exception e) when (e is FormatException or OverflowException)
{
    Console.Error.WriteLine($"{command}: a number flag is not a number ({e.Message}); see --help");
    return 2;
}

static string? Flag(string[] flags, string name)
{
    int at = Array.IndexOf(flags, name);
    return at >= 0 && at + 1 < flags.Length ? flags[at + 1] : null;
}

static int Port(string[] flags) => int.Parse(Flag(flags, "--port") ?? "5000", CultureInfo.InvariantCulture);

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
