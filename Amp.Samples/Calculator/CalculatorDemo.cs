using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Amp.Samples.Calculator;

/// <summary>Runs the calculator server and client as two processes on a free loopback port.</summary>
internal static class CalculatorDemo
{
    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        int port = FreePort();
        string self = Environment.ProcessPath!;
        // Assembly.Location is empty in a single-file or native app; there the process is its own program.
        string assembly = Path.Combine(AppContext.BaseDirectory, $"{typeof(CalculatorDemo).Assembly.GetName().Name}.dll");
        var server = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            server.ArgumentList.Add(assembly);
        }

        server.ArgumentList.Add("calc-server");
        server.ArgumentList.Add("--port");
        server.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine($"demo: starting the server process on 127.0.0.1:{port}");
        using Process serverProcess = Process.Start(server)!;
        var listening = new TaskCompletionSource();
        serverProcess.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Console.WriteLine($"  [server pid {serverProcess.Id}] {e.Data}");
            if (e.Data.Contains("listening", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        serverProcess.BeginOutputReadLine();
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            await CalculatorClient.RunAsync("127.0.0.1", port, "demo-client", new PrefixWriter("  [client] "), cancellationToken);
            await Task.Delay(200, cancellationToken);
            Console.WriteLine("demo: done");
            return 0;
        }
        finally
        {
            serverProcess.Kill(entireProcessTree: true);
            await serverProcess.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class PrefixWriter(string prefix) : TextWriter
    {
        public override System.Text.Encoding Encoding => Console.Out.Encoding;

        public override void WriteLine(string? value) => Console.WriteLine(prefix + value);
    }
}
