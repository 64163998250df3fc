using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Amp.Boxes;
using Amp.Samples.Chat.Commands;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Samples;

/// <summary>
/// The chat sample's defences, run as processes: plaintext refused, garbage, silence and stalled
/// handshakes survived, certificates checked both ways, real certificate files, flags explained.
/// </summary>
[CancelAfter(90000)]
[Parallelizable(ParallelScope.Children)]
public sealed class ChatSampleDefenceTests
{
    private readonly ChatHarness _chat = new();

    [OneTimeTearDown]
    public void DeleteCertificates() => _chat.Dispose();

    [Test]
    public async Task PlaintextIsRefusedJoinSayAndWhoAnswerTlsRequiredUntilStartTls(CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        await using SampleTerminal server = await _chat.StartServerAsync(transcript, port);
        await using AmpConnection plain = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", port, cancellationToken: cancellationToken));

        TlsRequiredException join = Assert.ThrowsAsync<TlsRequiredException>(() => plain.CallRemoteAsync(new Join { Nickname = "mallory" }, cancellationToken))!;
        Assert.That(join.Message, Is.EqualTo("Join needs TLS: call StartTLS first"));
        Assert.ThrowsAsync<TlsRequiredException>(() => plain.CallRemoteAsync(new Say { Text = "psst" }, cancellationToken));
        Assert.ThrowsAsync<TlsRequiredException>(() => plain.CallRemoteAsync(new Who(), cancellationToken));
        await server.WaitForAsync(new Regex(@"\* refused Join from tcp .* in plaintext \(TLS_REQUIRED\)"));
        await server.WaitForAsync("* refused Say from");
        await server.WaitForAsync("* refused Who from");

        // The same connection, once secured, is welcome; then the server's other checks answer.
        TlsConnectionInfo tls = await plain.StartTlsAsync(_chat.ClientTls(), cancellationToken);
        Assert.That(tls.PeerCertificate!.Subject, Is.EqualTo("CN=chat-server"));

        Assert.ThrowsAsync<InvalidOperationException>(() => plain.CallRemoteAsync(new Say { Text = "before joining" }, cancellationToken));
        await plain.CallRemoteAsync(new Join { Nickname = "mallory" }, cancellationToken);
        Assert.ThrowsAsync<ArgumentException>(() => plain.CallRemoteAsync(new Say { Text = "\u001b[2Jcleared your screen" }, cancellationToken));
        Assert.ThrowsAsync<ArgumentException>(() => plain.CallRemoteAsync(new Say { Text = new string('x', Say.MaximumLength + 1) }, cancellationToken));
        Assert.ThrowsAsync<ArgumentException>(() => plain.CallRemoteAsync(new Join { Nickname = "again" }, cancellationToken));
        WhoResult who = await plain.CallRemoteAsync(new Who(), cancellationToken);
        Assert.That(who.Nicknames, Is.EqualTo(new[] { "mallory" }));
    }

    [Test]
    public async Task TheServerSurvivesGarbageSilenceAndHandshakesThatNeverFinish(CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        await using SampleTerminal server = await _chat.StartServerAsync(transcript, port, "--join-timeout", "20");

        // The legitimate clients join first, so the join time limit, meant for the attackers below, bounds
        // only their TLS handshake and Join (not the start of a process on a busy machine); 20 s leaves
        // room for a handshake on a loaded machine (5 s was missed at a load average of 27).
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await _chat.JoinAsync(transcript, port, "bob");

        // Garbage: the server drops that connection at once.
        using Socket garbage = await ConnectAsync(port, cancellationToken);
        await garbage.SendAsync("\0\u0005hello\0\0this is not AMP\r\n"u8.ToArray(), cancellationToken);
        Assert.That(await ReadUntilClosedAsync(garbage, cancellationToken), Is.True, "the garbage sender was not disconnected");

        // Silence: connected, never a byte. Closed once the join time is up.
        using Socket silent = await ConnectAsync(port, cancellationToken);

        // A StartTLS whose handshake never comes: the call box, then nothing.
        using Socket stalled = await ConnectAsync(port, cancellationToken);
        await stalled.SendAsync(StartTlsBox(), cancellationToken);
        Assert.That(await ReadUntilClosedAsync(silent, cancellationToken), Is.True, "the silent connection was not closed");
        Assert.That(await ReadUntilClosedAsync(stalled, cancellationToken), Is.True, "the stalled handshake was not closed");
        await server.WaitForAsync("did not join within 20 s; closing it");

        // A client that vanishes in the middle of its handshake.
        using (Socket vanishing = await ConnectAsync(port, cancellationToken))
        {
            await vanishing.SendAsync(StartTlsBox(), cancellationToken);
            await Task.Delay(100, cancellationToken);
        }

        await alice.TypeAsync("all still fine");
        await bob.WaitForAsync(ChatHarness.Timestamped("alice", "all still fine"));
        Assert.That(server.HasExited, Is.False);
        TestContext.Out.WriteLine(transcript);
    }

    // Alone, so that its two processes add nothing to the load under which the 1 s join timeout of
    // TheServerSurvivesGarbageSilenceAndHandshakesThatNeverFinish is already tight on a 2-core machine.
    [Test]
    [NonParallelizable]
    public async Task PastMaxConnectionsNewConnectionsAreClosedAtOnceUntilAPlaceIsFree(CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        await using SampleTerminal server = await _chat.StartServerAsync(transcript, port, "--max-connections", "1");
        Socket first = await ConnectAsync(port, cancellationToken);
        await server.WaitForAsync(" connected");

        using (Socket second = await ConnectAsync(port, cancellationToken))
        {
            Assert.That(await ReadUntilClosedAsync(second, cancellationToken), Is.True, "the connection past the limit was not closed");
        }

        await server.WaitForAsync(new Regex(@"^\* Connection tcp .* refused: the listener already has 1 connections open"));
        first.Dispose();
        await server.WaitForAsync(" disconnected: RemoteClosed");
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        Assert.That(server.HasExited, Is.False);
        TestContext.Out.WriteLine(transcript);
    }

    [Test]
    public async Task AMemberSilentPastTheIdleTimeoutIsClosedWhilePingsKeepOneOpen(CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        await using SampleTerminal server = await _chat.StartServerAsync(transcript, port, "--idle-timeout", "3");
        await using AmpConnection pinging = await JoinInProcessAsync(port, "pinger", cancellationToken);
        using var stopPinging = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task pings = PingUntilStoppedAsync(pinging, stopPinging.Token);
        await using AmpConnection silent = await JoinInProcessAsync(port, "sleeper", cancellationToken);

        // The silent member is closed by the server (whenever its heartbeat gets to it); the other one,
        // pinging ten times a second meanwhile, is still there afterwards.
        AmpConnectionLostException closed = await silent.Completion.WaitAsync(cancellationToken);
        Assert.That(closed.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        await server.WaitForAsync(new Regex(@"^\* sleeper \(tcp .*\) disconnected: TimedOut \(The peer sent nothing for"));
        await server.WaitForAsync(new Regex(@"^\* sleeper left \(disconnected\)"));
        Assert.That((await pinging.CallRemoteAsync(new Who(), cancellationToken)).Nicknames, Is.EqualTo(new[] { "pinger" }));
        await stopPinging.CancelAsync();
        await pings;
    }

    [Test]
    public async Task AClientRefusesAServerWhoseCertificateItsAuthorityDidNotSign()
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        string otherAuthority = Path.Combine(Path.GetTempPath(), "amp-chat-other-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using SampleTerminal server = await _chat.StartServerAsync(transcript, port);
            await using SampleTerminal client = SampleTerminal.Start("[eve]", transcript, "chat-client", "--name", "eve", "--port", ChatHarness.Port(port), "--cert-dir", otherAuthority);
            Assert.That(await client.WaitForExitAsync(), Is.EqualTo(2));
            await client.WaitForAsync(new Regex(@"^\* no TLS with the server \(\w+\)"));
            Assert.That(client.HasPrinted("* joined"), Is.False);
            await server.WaitForAsync(new Regex(@"disconnected: TlsFailure \(The client's certificate .* does not chain"));
            await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        }
        finally
        {
            if (Directory.Exists(otherAuthority))
            {
                Directory.Delete(otherAuthority, recursive: true);
            }
        }
    }

    [Test]
    public async Task RealCertificateFilesReplaceTheDevelopmentOnesAndClientsNeedACertificateUnlessAnonymousClientsAreAllowed()
    {
        string folder = Directory.CreateTempSubdirectory("amp-chat-files-").FullName;
        try
        {
            using (X509Certificate2 authority = DevelopmentCertificates.CreateAuthority("Test Chat Authority"))
            {
                File.WriteAllText(Path.Combine(folder, "authority.pem"), authority.ExportCertificatePem());
                using X509Certificate2 serverCertificate = DevelopmentCertificates.Issue(authority, "chat.example", ["chat.example"]);
                DevelopmentCertificates.ExportPem(serverCertificate, Path.Combine(folder, "server.pem"), Path.Combine(folder, "server.key"));
                using X509Certificate2 client = DevelopmentCertificates.Issue(authority, "carol");
                DevelopmentCertificates.ExportPem(client, Path.Combine(folder, "carol.pem"), Path.Combine(folder, "carol.key"));
            }

            var transcript = new StringBuilder();
            int port = ChatHarness.FreePort();
            string authorityFile = Path.Combine(folder, "authority.pem");
            await using SampleTerminal server = SampleTerminal.Start(
                "[server]", transcript, "chat-server", "--port", ChatHarness.Port(port),
                "--cert", Path.Combine(folder, "server.pem"), "--key", Path.Combine(folder, "server.key"), "--ca", authorityFile);
            await server.WaitForAsync("listening on");

            await using SampleTerminal carol = SampleTerminal.Start(
                "[carol]", transcript, "chat-client", "--name", "carol", "--port", ChatHarness.Port(port), "--server-name", "chat.example",
                "--cert", Path.Combine(folder, "carol.pem"), "--key", Path.Combine(folder, "carol.key"), "--ca", authorityFile);
            await carol.WaitForAsync("server certificate CN=chat.example, issued by CN=Test Chat Authority");
            await carol.WaitForAsync("* joined as carol");
            await server.WaitForAsync("client certificate CN=carol");

            // Without a client certificate the server refuses the handshake; with the wrong name the client refuses the server.
            await using SampleTerminal anonymous = SampleTerminal.Start(
                "[anonymous]", transcript, "chat-client", "--name", "anonymous", "--port", ChatHarness.Port(port), "--server-name", "chat.example", "--ca", authorityFile);
            Assert.That(await anonymous.WaitForExitAsync(), Is.EqualTo(2), anonymous.Transcript());
            await using SampleTerminal misnamed = SampleTerminal.Start(
                "[misnamed]", transcript, "chat-client", "--name", "misnamed", "--port", ChatHarness.Port(port), "--server-name", "other.example",
                "--cert", Path.Combine(folder, "carol.pem"), "--key", Path.Combine(folder, "carol.key"), "--ca", authorityFile);
            Assert.That(await misnamed.WaitForExitAsync(), Is.EqualTo(2), misnamed.Transcript());
            await misnamed.WaitForAsync("* no TLS with the server");
            await carol.TypeAsync("/who");
            await carol.WaitForAsync("* present: carol");

            int openPort = ChatHarness.FreePort();
            await using SampleTerminal openServer = SampleTerminal.Start(
                "[open server]", transcript, "chat-server", "--port", ChatHarness.Port(openPort), "--anonymous-clients",
                "--cert", Path.Combine(folder, "server.pem"), "--key", Path.Combine(folder, "server.key"), "--ca", authorityFile);
            await openServer.WaitForAsync("listening on");
            await using SampleTerminal welcome = SampleTerminal.Start(
                "[anonymous]", transcript, "chat-client", "--name", "anonymous", "--port", ChatHarness.Port(openPort), "--server-name", "chat.example", "--ca", authorityFile);
            await welcome.WaitForAsync("* joined as anonymous");
            await openServer.WaitForAsync("client certificate none");
            TestContext.Out.WriteLine(transcript);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("chat-server")]
    [TestCase("chat-client")]
    [TestCase("demo")]
    public async Task HelpExplainsEveryFlag(string command)
    {
        var transcript = new StringBuilder();
        await using SampleTerminal help = SampleTerminal.Start("[help]", transcript, command, "--help");
        Assert.That(await help.WaitForExitAsync(), Is.Zero);
        string text = help.Transcript();
        foreach (string flag in new[] { "--name", "--host", "--port", "--cert-dir", "--cert", "--key", "--ca", "--server-name", "--anonymous-clients", "--join-timeout", "--max-connections", "--idle-timeout", "--help" })
        {
            Assert.That(text, Does.Contain($"  {flag} "), $"{command} --help does not explain {flag}");
        }
    }

    [TestCase("--port", "70000", "--port: '70000' is not a port number")]
    [TestCase("--name", "*", "--name: '*' is the server's own name")]
    [TestCase("--bogus", "1", "--bogus: unknown flag")]
    [TestCase("--join-timeout", "-1", "--join-timeout: '-1' is not a number of seconds")]
    [TestCase("--max-connections", "0", "--max-connections: '0' is not a number of connections")]
    [TestCase("--idle-timeout", "forever", "--idle-timeout: 'forever' is not a number of seconds")]
    public async Task BadFlagsAreExplainedNotThrown(string flag, string value, string explanation)
    {
        var transcript = new StringBuilder();
        await using SampleTerminal client = SampleTerminal.Start("[client]", transcript, "chat-client", flag, value);
        Assert.That(await client.WaitForExitAsync(), Is.EqualTo(1));
        await client.WaitForAsync("(stderr) " + explanation);
        Assert.That(client.HasPrinted("Unhandled exception"), Is.False, client.Transcript());
    }

    [Test]
    public async Task ACertificateFolderHoldingOtherFilesIsNeitherUsedNorReplaced()
    {
        string folder = Directory.CreateTempSubdirectory("amp-chat-not-a-ca-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
            var transcript = new StringBuilder();
            await using SampleTerminal server = SampleTerminal.Start("[server]", transcript, "chat-server", "--port", ChatHarness.Port(ChatHarness.FreePort()), "--cert-dir", folder);
            Assert.That(await server.WaitForExitAsync(), Is.EqualTo(1));
            await server.WaitForAsync("holds other files than the development certificates");
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EqualTo(new[] { "notes.txt" }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task ASecondServerOnTheSamePortExplainsWhyItCannotListen()
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        await using SampleTerminal first = await _chat.StartServerAsync(transcript, port);
        await using SampleTerminal second = SampleTerminal.Start("[second]", transcript, "chat-server", "--port", ChatHarness.Port(port), "--cert-dir", _chat.Certificates);
        Assert.That(await second.WaitForExitAsync(), Is.EqualTo(1));
        await second.WaitForAsync($"(stderr) chat-server: cannot listen on 127.0.0.1:{port}: ");
        Assert.That(second.HasPrinted("Unhandled exception"), Is.False, second.Transcript());
    }

    private static async Task PingUntilStoppedAsync(AmpConnection connection, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await connection.CallRemoteAsync(new Ping(), stop);
                await Task.Delay(100, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task<AmpConnection> JoinInProcessAsync(int port, string nickname, CancellationToken cancellationToken)
    {
        var listening = new AmpConnectionOptions
        {
            Responders = new AmpResponders().Add<Deliver, AmpEmptyResponse>((_, _, _) => ValueTask.FromResult(AmpEmptyResponse.Instance)),
        };
        AmpConnection connection = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", port, cancellationToken: cancellationToken), listening);
        await connection.StartTlsAsync(_chat.ClientTls(), cancellationToken);
        await connection.CallRemoteAsync(new Join { Nickname = nickname }, cancellationToken);
        return connection;
    }

    private static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        return socket;
    }

    /// <summary>Reads until the server closes the connection; false when it stays open for 45 seconds (past the 20 s join time).</summary>
    private static async Task<bool> ReadUntilClosedAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(45));
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, patience.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;   // reset: closed too
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static byte[] StartTlsBox()
    {
        var bytes = new ArrayBufferWriter<byte>();
        new AmpBox().SetString("_ask", "1").SetString("_command", "StartTLS").WriteTo(bytes);
        return bytes.WrittenSpan.ToArray();
    }
}
