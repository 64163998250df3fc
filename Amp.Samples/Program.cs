using Amp;
using Amp.Samples.Calculator;
using Amp.Samples.Chat;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

string command = args.Length > 0 ? args[0] : "--help";
int port = 5000;
for (int i = 1; i < args.Length - 1; i++)
{
    if (args[i] == "--port")
    {
        port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

try
{
    switch (command)
    {
        case "demo":
            return await CalculatorDemo.RunAsync(cancel.Token);
        case "transfer":
            long megabytes = 64;
            for (int i = 1; i < args.Length - 1; i++)
            {
                if (args[i] == "--megabytes")
                {
                    megabytes = long.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return await Amp.Samples.FileTransfer.FileTransferDemo.RunAsync(megabytes * 1024 * 1024, Console.Out, cancel.Token);
        case "calc-server":
            await CalculatorServer.RunAsync(port, Console.Out, cancel.Token);
            return 0;
        case "calc-stdio-child":
            // AMP runs on stdin/stdout; everything human-readable goes to stderr.
            await using (AmpConnection parent = AmpConnection.Start(
                Amp.Transports.StandardStreamsTransport.Create(),
                new AmpConnectionOptions { Responders = Amp.Samples.FileTransfer.FileReceiver.AddFileReceiver(CalculatorServer.Responders(Console.Error), Console.Error) }))
            {
                Console.Error.WriteLine("child: serving the calculator over stdin/stdout");
                AmpConnectionLostException end = await parent.Completion.WaitAsync(cancel.Token);
                if (parent.SwitchedTo is { } switched)
                {
                    Console.Error.WriteLine("child: the connection switched protocols; waiting for it to end");
                    await switched.Completion.WaitAsync(cancel.Token);
                }

                Console.Error.WriteLine($"child: parent went away ({end.Reason})");
            }

            return 0;
        case "chat-server" or "chat-client" or "chat-demo":
            return await RunChatAsync(command, args[1..], cancel.Token);
        case "calc-client":
            await CalculatorClient.RunAsync("127.0.0.1", port, Environment.UserName, Console.Out, cancel.Token);
            return 0;
        default:
            Console.WriteLine("""
                Amp.NET samples

                  demo                      run a calculator server and client as two processes, printing every call
                  calc-server [--port N]    answer Sum, Divide and Greet on 127.0.0.1:N (default 5000)
                  calc-client [--port N]    call the server on 127.0.0.1:N
                  calc-stdio-child          answer the calculator and accept files (SendFile) over stdin/stdout
                                            (a parent process drives it)
                  transfer [--megabytes N]  agree on a file with AMP, switch to raw bytes to send it (plain, then
                                            inside TLS), check its SHA-256 and print the throughput (default 64 MB)
                  chat-demo                 run a chat server and three clients as separate processes (StartTLS,
                                            join, say, /who, leave) and print the transcript
                  chat-server [--port N]    a chat server on 127.0.0.1:N (default 5001); Join and Say need StartTLS
                  chat-client --name NAME [--port N]
                                            an interactive chat client: type a line to say it, /who, /quit
                                            (chat-server --help and chat-client --help list every flag)
                """);
            return command is "--help" or "-h" ? 0 : 2;
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    return 130;
}

static async Task<int> RunChatAsync(string command, string[] rest, CancellationToken cancellationToken)
{
    ChatArguments? arguments = ChatArguments.Parse(rest, Console.Error);
    if (arguments is null)
    {
        return 1;
    }

    if (arguments.Help)
    {
        Console.WriteLine(command switch
        {
            "chat-server" => """
                chat-server [flags]: a chat server on 127.0.0.1. Clients call StartTLS, then Join, Say, Who, Leave;
                the server calls Deliver back on every other member. Prints each event.
                """,
            "chat-client" => """
                chat-client --name NAME [flags]: connects, calls StartTLS, joins, then says each line typed.
                /who lists who is present; /quit, end of input or Ctrl+C leave.
                Exit codes: 0 left, 2 lost the server, 3 nickname taken.
                """,
            _ => """
                chat-demo [--cert-dir DIR]: starts a chat server and clients (alice, bob, carol, a second alice) as
                separate processes, types into them and prints the transcript; exit code 0 when everything expected
                was seen.
                """,
        });
        Console.WriteLine();
        Console.WriteLine("flags:");
        Console.WriteLine(ChatArguments.Usage);
        Console.WriteLine("With no --cert/--key/--ca, a development CA and certificates are created in --cert-dir on first run.");
        return 0;
    }

    try
    {
        return command switch
        {
            "chat-server" => await ChatServer.RunAsync(arguments, Console.Out, cancellationToken),
            "chat-client" => await ChatClient.RunAsync(arguments, Console.In, Console.Out, cancellationToken),
            _ => await ChatDemo.RunAsync(arguments, cancellationToken),
        };
    }
    catch (Exception e) when (e is ArgumentException or IOException or System.Security.Cryptography.CryptographicException)
    {
        Console.Error.WriteLine($"{command}: {e.Message}");
        return 1;
    }
}
