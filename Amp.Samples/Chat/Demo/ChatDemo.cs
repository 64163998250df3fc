using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amp.Samples.Chat.Commands;
using Amp.Transports;

namespace Amp.Samples.Chat.Demo;

/// <summary>
/// Runs a chat server and clients as separate processes of this program, types into the clients and
/// prints the interleaved transcript; exits 0 when every expected line was seen.
/// </summary>
internal static class ChatDemo
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(ChatArguments arguments, CancellationToken cancellationToken)
    {
        var checks = new List<(string What, bool Ok)>();
        void Check(string what, bool ok)
        {
            checks.Add((what, ok));
            if (!ok)
            {
                // Every later step would wait its full patience for what cannot come: stop here.
                throw new DemoStoppedException();
            }
        }
        void Say(string line) => ChatDemoProcess.Print("[demo]", line);

        try
        {
            string folder = ChatCertificates.EnsureDevelopment(arguments.CertificateDirectory, new DemoWriter());
            Say($"certificates: development CA in {folder} (made on first run, reused after)");
            int port = FreePort();
            string[] common = ["--port", port.ToString(CultureInfo.InvariantCulture), "--cert-dir", folder];

            Say("-- a server and two clients, each its own process; each client calls StartTLS, then Join");
            using ChatDemoProcess server = ChatDemoProcess.Start("[server]", ["chat-server", .. common]);
            Check("the server listens", await server.WaitForAsync("listening on", Patience));
            using ChatDemoProcess alice = ChatDemoProcess.Start("[alice]", ["chat-client", "--name", "alice", .. common]);
            Check("alice's StartTLS negotiates TLS and checks the server's certificate", await alice.WaitForAsync("* TLS: Tls", Patience));
            Check("alice joins", await alice.WaitForAsync("* joined as alice", Patience));
            using ChatDemoProcess bob = ChatDemoProcess.Start("[bob]", ["chat-client", "--name", "bob", .. common]);
            Check("bob joins", await bob.WaitForAsync("* joined as bob", Patience));
            Check("alice hears bob join", await alice.WaitForAsync("* bob joined", Patience));

            Say("-- they talk: each line is a Say call to the server, which calls Deliver back on the others");
            await alice.TypeAsync("hello bob, this is alice");
            Check("bob sees alice's message", await bob.WaitForAsync("<alice> hello bob, this is alice", Patience));
            await bob.TypeAsync("hi alice — ça va? ☺");
            Check("alice sees bob's Unicode reply", await alice.WaitForAsync("<bob> hi alice — ça va? ☺", Patience));

            Say("-- a second alice: Join fails with the declared error NICKNAME_TAKEN");
            using (ChatDemoProcess impostor = ChatDemoProcess.Start("[alice#2]", ["chat-client", "--name", "alice", .. common]))
            {
                Check("the second alice is told the nickname is taken", await impostor.WaitForAsync("is taken", Patience));
                Check("and exits with code 3", await impostor.WaitForExitAsync(Patience) && impostor.ExitCode == ChatClient.NicknameRefused);
            }

            Say("-- a client that skips StartTLS is refused (TLS_REQUIRED); one that sends garbage is closed");
            Check("a plaintext Join is refused with TLS_REQUIRED", await PlaintextJoinIsRefusedAsync(port, cancellationToken));
            Check("a connection sending garbage is closed", await GarbageIsClosedAsync(port, cancellationToken));

            Say("-- carol joins, then her process is killed mid-conversation; the others go on");
            using (ChatDemoProcess carol = ChatDemoProcess.Start("[carol]", ["chat-client", "--name", "carol", .. common]))
            {
                Check("carol joins", await carol.WaitForAsync("* joined as carol", Patience));
                await carol.TypeAsync("hi all, carol here");
                Check("alice sees carol's message", await alice.WaitForAsync("<carol> hi all, carol here", Patience));
                Say("killing carol's process (no Leave, no goodbye)");
            }

            Check("bob hears that carol left", await bob.WaitForAsync("* carol left", Patience));
            await bob.TypeAsync("carol vanished; still there, alice?");
            Check("alice still hears bob", await alice.WaitForAsync("<bob> carol vanished; still there, alice?", Patience));
            await bob.TypeAsync("/who");
            Check("bob's /who lists alice and bob", await bob.WaitForAsync("* present: alice, bob", Patience));

            Say("-- alice types /quit, bob's input ends (as with Ctrl+D): both call Leave and exit");
            await alice.TypeAsync("/quit");
            Check("alice leaves on /quit", await alice.WaitForExitAsync(Patience) && alice.ExitCode == 0);
            Check("bob hears alice left", await bob.WaitForAsync("* alice left", Patience));
            bob.CloseInput();
            Check("bob leaves at end of input", await bob.WaitForExitAsync(Patience) && bob.ExitCode == 0);
            Check("the server saw bob leave", await server.WaitForAsync("* bob left", Patience));

            Say("stopping the server");
            server.Dispose();
        }
        catch (DemoStoppedException)
        {
            Say("stopping at the first failed check");
        }

        int failed = checks.Count(c => !c.Ok);
        foreach ((string what, bool ok) in checks)
        {
            Say($"{(ok ? "ok  " : "FAIL")} {what}");
        }

        Say(failed == 0 ? "chat demo: everything expected was seen" : $"chat demo: {failed} check(s) failed");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<bool> PlaintextJoinIsRefusedAsync(int port, CancellationToken cancellationToken)
    {
        await using AmpConnection plain = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", port, cancellationToken: cancellationToken));
        try
        {
            await plain.CallRemoteAsync(new Join { Nickname = "mallory" }, cancellationToken);
            ChatDemoProcess.Print("[demo]", "!! a plaintext Join was accepted");
            return false;
        }
        catch (TlsRequiredException e)
        {
            ChatDemoProcess.Print("[demo]", $"Join in plaintext -> TLS_REQUIRED: {e.Message}");
            return true;
        }
    }

    private static async Task<bool> GarbageIsClosedAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await socket.SendAsync("\0\0this is not AMP\r\n\0\0\0\0"u8.ToArray(), SocketFlags.None, cancellationToken);
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }

            ChatDemoProcess.Print("[demo]", "sent garbage -> the server closed that connection");
            return true;
        }
        catch (SocketException e)
        {
            ChatDemoProcess.Print("[demo]", $"sent garbage -> the server dropped that connection ({e.SocketErrorCode})");
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class DemoStoppedException : Exception;

    private sealed class DemoWriter : TextWriter
    {
        public override System.Text.Encoding Encoding => Console.Out.Encoding;

        public override void WriteLine(string? value) => ChatDemoProcess.Print("[demo]", value ?? "");
    }
}
