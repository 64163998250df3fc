using Amp;
using Amp.Samples.Calculator;

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
                """);
            return command is "--help" or "-h" ? 0 : 2;
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    return 130;
}
