using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amp.Transports;

namespace Amp.Benchmarks.KeepAlive;

/// <summary>
/// Measures how long a frozen peer takes to be found: a child process (this program in <c>keepalive-peer</c>
/// mode) serves one Amp.NET connection over loopback TCP with the default options; once the extensions are
/// agreed it is stopped with SIGSTOP, as a hung process, and the time until our connection ends is printed.
/// </summary>
internal static class FrozenPeerRunner
{
    public static async Task RunAsync(TimeSpan interval, TimeSpan timeout)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            Console.WriteLine("keepalive: needs SIGSTOP (Linux or macOS)");
            return;
        }

        using Process peer = StartPeer();
        try
        {
            string? line = await peer.StandardOutput.ReadLineAsync().ConfigureAwait(false);
            if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the peer did not start: " + line);
            }

            int port = int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
            AmpTransport transport = await SocketTransport.ConnectTcpAsync("127.0.0.1", port).ConfigureAwait(false);
            await using AmpConnection connection = AmpConnection.Start(transport, new AmpConnectionOptions
            {
                Name = "watcher", KeepAliveInterval = interval, KeepAliveTimeout = timeout,
            });
            AmpExtensions agreed = await connection.NegotiateExtensionsAsync().ConfigureAwait(false);
            Console.WriteLine($"keepalive: interval {interval.TotalSeconds:0.###} s, timeout {timeout.TotalSeconds:0.###} s, agreed {agreed}; stopping the peer (pid {peer.Id})");

            await SignalAsync(peer, "STOP").ConfigureAwait(false);
            var frozen = Stopwatch.StartNew();
            AmpConnectionLostException lost = await connection.Completion.ConfigureAwait(false);
            frozen.Stop();
            Console.WriteLine($"keepalive: frozen peer found after {frozen.Elapsed.TotalSeconds:0.000} s: {lost.Reason}: {lost.Message}");
            await SignalAsync(peer, "CONT").ConfigureAwait(false);
        }
        finally
        {
            if (!peer.HasExited)
            {
                peer.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The child's side: one connection with the default options, until it ends.</summary>
    public static async Task ServeAsync()
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Console.WriteLine("PORT " + listener.Port.ToString(CultureInfo.InvariantCulture));
        AmpTransport transport = await listener.AcceptAsync().ConfigureAwait(false);
        await using AmpConnection connection = AmpConnection.Start(transport, new AmpConnectionOptions { Name = "peer" });
        await connection.Completion.ConfigureAwait(false);
    }

    private static Process StartPeer()
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        string entry = typeof(FrozenPeerRunner).Assembly.Location;
        if (!string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), Path.GetFileNameWithoutExtension(entry), StringComparison.Ordinal))
        {
            // Run as "dotnet Amp.Benchmarks.dll": the child needs the assembly path too.
            info.ArgumentList.Add(entry);
        }

        info.ArgumentList.Add("keepalive-peer");
        return Process.Start(info)!;
    }

    private static async Task SignalAsync(Process process, string signal)
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync().ConfigureAwait(false);
    }
}
