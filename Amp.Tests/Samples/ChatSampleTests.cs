using System.Buffers;
using System.Globalization;
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
/// The chat sample run as a person would: a server and clients as separate processes, typed into
/// through their standard input, with what each prints checked.
/// </summary>
[CancelAfter(90000)]
[Parallelizable(ParallelScope.Children)]
public sealed class ChatSampleTests
{
    private string _certificates = "";

    [OneTimeSetUp]
    public void CreateCertificateFolderName() =>
        _certificates = Path.Combine(Path.GetTempPath(), "amp-chat-test-" + Guid.NewGuid().ToString("N"));

    [OneTimeTearDown]
    public void DeleteCertificates()
    {
        if (Directory.Exists(_certificates))
        {
            Directory.Delete(_certificates, recursive: true);
        }
    }

    [Test]
    public async Task TheReadmeDemoRunsServerAndClientsAsProcessesOverTlsAndEveryCheckPasses(CancellationToken cancellationToken)
    {
        string folder = Path.Combine(Path.GetTempPath(), "amp-chat-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int exitCode, string text, string errors) = await SampleProcess.RunAsync(cancellationToken, "demo", "--cert-dir", folder);
            Assert.That(exitCode, Is.Zero, errors);
            Assert.That(text, Does.Contain($"* created a development CA with server and client certificates in {folder}"));
            Assert.That(File.Exists(Path.Combine(folder, "ca.pem")), Is.True);
            Assert.That(text, Does.Match(@"\[alice\] +\* TLS: Tls1[23], .*server certificate CN=chat-server, issued by CN=Amp.NET chat development CA"));
            Assert.That(text, Does.Match(@"\[alice\] +\* layers: tcp .* \| tls\(1\.[23]\)"));
            Assert.That(text, Does.Match(@"\[server\] +\* alice joined from tcp .* over Tls1[23] .*client certificate CN=chat-client"));
            Assert.That(text, Does.Match(@"\[bob\] +\[\d\d:\d\d:\d\d\] <alice> hello bob, this is alice"));
            Assert.That(text, Does.Contain("<bob> hi alice — ça va? ☺"));
            Assert.That(text, Does.Contain("* cannot join: the nickname 'alice' is taken"));
            Assert.That(text, Does.Contain("Join in plaintext -> TLS_REQUIRED"));
            Assert.That(text, Does.Match(@"\[bob\] +\* present: alice, bob"));
            Assert.That(text, Does.Not.Contain("FAIL"));
            Assert.That(text, Does.Contain("chat demo: everything expected was seen"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Test]
    public async Task ClientsTypedIntoJoinOverTlsTalkListWhoIsHereAndLeaveByQuitAndByEndOfInput()
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        await using SampleTerminal server = await StartServerAsync(transcript, port);
        await using SampleTerminal alice = await JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await JoinAsync(transcript, port, "bob");
        await alice.WaitForAsync(TimestampedNotice("bob joined"));

        await alice.TypeAsync("hello bob");
        await bob.WaitForAsync(Timestamped("alice", "hello bob"));
        await bob.TypeAsync("hello alice — ça va? ☺");
        await alice.WaitForAsync(Timestamped("bob", "hello alice — ça va? ☺"));
        await server.WaitForAsync("<bob> hello alice — ça va? ☺");

        await alice.TypeAsync("/who");
        await alice.WaitForAsync("* present: alice, bob");
        await alice.TypeAsync("/nonsense");
        await alice.WaitForAsync("* type a line to say it, /who to see who is here, /quit to leave");

        await alice.TypeAsync("/quit");
        Assert.That(await alice.WaitForExitAsync(), Is.Zero);
        Assert.That(alice.HasPrinted("* left (/quit)"), Is.True, alice.Transcript());
        await bob.WaitForAsync(TimestampedNotice("alice left"));

        bob.EndInput();
        Assert.That(await bob.WaitForExitAsync(), Is.Zero);
        Assert.That(bob.HasPrinted("* left (end of input)"), Is.True, bob.Transcript());
        await server.WaitForAsync("* bob left");
        Assert.That(bob.HasPrinted("<bob>"), Is.False, "a member does not get its own lines back");
        TestContext.Out.WriteLine(transcript);
    }

    [Test]
    public async Task TwoPeersDirectlyTheListeningOneChatsFromItsOwnTerminal()
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        await using SampleTerminal bob = await StartServerAsync(transcript, port, "--name", "bob");
        await bob.WaitForAsync("* you are bob, hosting the chat");
        await using SampleTerminal alice = await JoinAsync(transcript, port, "alice");
        await bob.WaitForAsync(TimestampedNotice("alice joined"));

        await alice.TypeAsync("hi bob");
        await bob.WaitForAsync(Timestamped("alice", "hi bob"));
        await bob.TypeAsync("hi alice, from the listening side");
        await alice.WaitForAsync(Timestamped("bob", "hi alice, from the listening side"));
        await bob.TypeAsync("/who");
        await bob.WaitForAsync("* present: alice, bob");
        await using SampleTerminal secondBob = SampleTerminal.Start("[bob#2]", transcript, ClientArguments(port, "bob"));
        Assert.That(await secondBob.WaitForExitAsync(), Is.EqualTo(3));
        Assert.That(secondBob.HasPrinted("* cannot join: the nickname 'bob' is taken"), Is.True, secondBob.Transcript());

        await bob.TypeAsync("/quit");
        Assert.That(await bob.WaitForExitAsync(), Is.Zero);
        await alice.WaitForAsync(TimestampedNotice("bob left (/quit), so the chat is closing"));
        Assert.That(await alice.WaitForExitAsync(), Is.EqualTo(2));
        await alice.WaitForAsync("* lost the server:");
        TestContext.Out.WriteLine(transcript);
    }

    [Test]
    public async Task PlaintextIsRefusedJoinSayAndWhoAnswerTlsRequiredUntilStartTls(CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        await using SampleTerminal server = await StartServerAsync(transcript, port);
        await using AmpConnection plain = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", port, cancellationToken: cancellationToken));

        TlsRequiredException join = Assert.ThrowsAsync<TlsRequiredException>(() => plain.CallRemoteAsync(new Join { Nickname = "mallory" }, cancellationToken))!;
        Assert.That(join.Message, Is.EqualTo("Join needs TLS: call StartTLS first"));
        Assert.ThrowsAsync<TlsRequiredException>(() => plain.CallRemoteAsync(new Say { Text = "psst" }, cancellationToken));
        Assert.ThrowsAsync<TlsRequiredException>(() => plain.CallRemoteAsync(new Who(), cancellationToken));
        await server.WaitForAsync(new Regex(@"\* refused Join from tcp .* in plaintext \(TLS_REQUIRED\)"));
        await server.WaitForAsync("* refused Say from");
        await server.WaitForAsync("* refused Who from");

        // The same connection, once secured, is welcome; then the server's other checks answer.
        TlsConnectionInfo tls = await plain.StartTlsAsync(ClientTls(), cancellationToken);
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
    public async Task AClientKilledMidConversationLeavesAndTheOthersGoOn()
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        await using SampleTerminal server = await StartServerAsync(transcript, port);
        await using SampleTerminal alice = await JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await JoinAsync(transcript, port, "bob");
        await using SampleTerminal carol = await JoinAsync(transcript, port, "carol");

        // Lines keep flowing to carol (Deliver calls in flight) while she is killed.
        Task talking = TalkAsync(alice, "line", 30);
        await carol.WaitForAsync(Timestamped("alice", "line 5"));
        carol.Kill();
        await talking;

        await server.WaitForAsync(new Regex(@"\* carol \(tcp .*\) disconnected: "));
        await alice.WaitForAsync(TimestampedNotice("carol left (disconnected)"));
        await bob.WaitForAsync(Timestamped("alice", "line 30"));
        await bob.TypeAsync("carol is gone; still here?");
        await alice.WaitForAsync(Timestamped("bob", "carol is gone; still here?"));
        await alice.TypeAsync("/who");
        await alice.WaitForAsync("* present: alice, bob");
        Assert.That(server.HasExited, Is.False);
        Assert.That(server.HasPrinted("Unhandled exception"), Is.False, server.Transcript());
        TestContext.Out.WriteLine(transcript);
    }

    [Test]
    public async Task TheServerSurvivesGarbageSilenceAndHandshakesThatNeverFinish(CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        await using SampleTerminal server = await StartServerAsync(transcript, port, "--join-timeout", "1");

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
        await server.WaitForAsync("did not join within 1 s; closing it");

        // A client that vanishes in the middle of its handshake.
        using (Socket vanishing = await ConnectAsync(port, cancellationToken))
        {
            await vanishing.SendAsync(StartTlsBox(), cancellationToken);
            await Task.Delay(100, cancellationToken);
        }

        await using SampleTerminal alice = await JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await JoinAsync(transcript, port, "bob");
        await alice.TypeAsync("all still fine");
        await bob.WaitForAsync(Timestamped("alice", "all still fine"));
        Assert.That(server.HasExited, Is.False);
        TestContext.Out.WriteLine(transcript);
    }

    [Test]
    public async Task AClientThatLosesTheServerSaysSoAndExits()
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        SampleTerminal server = await StartServerAsync(transcript, port);
        await using SampleTerminal alice = await JoinAsync(transcript, port, "alice");
        server.Kill();
        await server.DisposeAsync();
        Assert.That(await alice.WaitForExitAsync(), Is.EqualTo(2));
        Assert.That(alice.HasPrinted("* lost the server: "), Is.True, alice.Transcript());

        await using SampleTerminal nobody = SampleTerminal.Start("[nobody]", transcript, ClientArguments(port, "nobody"));
        Assert.That(await nobody.WaitForExitAsync(), Is.EqualTo(2));
        Assert.That(nobody.HasPrinted($"* cannot reach the server at 127.0.0.1:{port} (ConnectionRefused)"), Is.True, nobody.Transcript());
    }

    [Test]
    public async Task CtrlCLeavesTheChatCleanlyAndStopsTheServerAfterTellingEveryone()
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        await using SampleTerminal server = await StartServerAsync(transcript, port);
        await using SampleTerminal alice = await JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await JoinAsync(transcript, port, "bob");

        await alice.InterruptAsync();
        Assert.That(await alice.WaitForExitAsync(), Is.Zero);
        Assert.That(alice.HasPrinted("* left (interrupted)"), Is.True, alice.Transcript());
        await bob.WaitForAsync(TimestampedNotice("alice left"));

        await server.InterruptAsync();
        Assert.That(await server.WaitForExitAsync(), Is.Zero);
        await bob.WaitForAsync(TimestampedNotice("the server is stopping"));
        Assert.That(await bob.WaitForExitAsync(), Is.EqualTo(2));
        Assert.That(bob.HasPrinted("* lost the server: "), Is.True, bob.Transcript());
    }

    [Test]
    public async Task AClientRefusesAServerWhoseCertificateItsAuthorityDidNotSign()
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        string otherAuthority = Path.Combine(Path.GetTempPath(), "amp-chat-other-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using SampleTerminal server = await StartServerAsync(transcript, port);
            await using SampleTerminal client = SampleTerminal.Start("[eve]", transcript, "chat-client", "--name", "eve", "--port", Port(port), "--cert-dir", otherAuthority);
            Assert.That(await client.WaitForExitAsync(), Is.EqualTo(2));
            await client.WaitForAsync(new Regex(@"^\* no TLS with the server \(\w+\)"));
            Assert.That(client.HasPrinted("* joined"), Is.False);
            await server.WaitForAsync(new Regex(@"disconnected: TlsFailure \(The client's certificate .* does not chain"));
            await using SampleTerminal alice = await JoinAsync(transcript, port, "alice");
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
            int port = FreePort();
            string authorityFile = Path.Combine(folder, "authority.pem");
            await using SampleTerminal server = SampleTerminal.Start(
                "[server]", transcript, "chat-server", "--port", Port(port),
                "--cert", Path.Combine(folder, "server.pem"), "--key", Path.Combine(folder, "server.key"), "--ca", authorityFile);
            await server.WaitForAsync("listening on");

            await using SampleTerminal carol = SampleTerminal.Start(
                "[carol]", transcript, "chat-client", "--name", "carol", "--port", Port(port), "--server-name", "chat.example",
                "--cert", Path.Combine(folder, "carol.pem"), "--key", Path.Combine(folder, "carol.key"), "--ca", authorityFile);
            await carol.WaitForAsync("server certificate CN=chat.example, issued by CN=Test Chat Authority");
            await carol.WaitForAsync("* joined as carol");
            await server.WaitForAsync("client certificate CN=carol");

            // Without a client certificate the server refuses the handshake; with the wrong name the client refuses the server.
            await using SampleTerminal anonymous = SampleTerminal.Start(
                "[anonymous]", transcript, "chat-client", "--name", "anonymous", "--port", Port(port), "--server-name", "chat.example", "--ca", authorityFile);
            Assert.That(await anonymous.WaitForExitAsync(), Is.EqualTo(2), anonymous.Transcript());
            await using SampleTerminal misnamed = SampleTerminal.Start(
                "[misnamed]", transcript, "chat-client", "--name", "misnamed", "--port", Port(port), "--server-name", "other.example",
                "--cert", Path.Combine(folder, "carol.pem"), "--key", Path.Combine(folder, "carol.key"), "--ca", authorityFile);
            Assert.That(await misnamed.WaitForExitAsync(), Is.EqualTo(2), misnamed.Transcript());
            await misnamed.WaitForAsync("* no TLS with the server");
            await carol.TypeAsync("/who");
            await carol.WaitForAsync("* present: carol");

            int openPort = FreePort();
            await using SampleTerminal openServer = SampleTerminal.Start(
                "[open server]", transcript, "chat-server", "--port", Port(openPort), "--anonymous-clients",
                "--cert", Path.Combine(folder, "server.pem"), "--key", Path.Combine(folder, "server.key"), "--ca", authorityFile);
            await openServer.WaitForAsync("listening on");
            await using SampleTerminal welcome = SampleTerminal.Start(
                "[anonymous]", transcript, "chat-client", "--name", "anonymous", "--port", Port(openPort), "--server-name", "chat.example", "--ca", authorityFile);
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
        foreach (string flag in new[] { "--name", "--host", "--port", "--cert-dir", "--cert", "--key", "--ca", "--server-name", "--anonymous-clients", "--join-timeout", "--help" })
        {
            Assert.That(text, Does.Contain($"  {flag} "), $"{command} --help does not explain {flag}");
        }
    }

    [TestCase("--port", "70000", "--port: '70000' is not a port number")]
    [TestCase("--name", "*", "--name: '*' is the server's own name")]
    [TestCase("--bogus", "1", "--bogus: unknown flag")]
    [TestCase("--join-timeout", "-1", "--join-timeout: '-1' is not a number of seconds")]
    public async Task BadFlagsAreExplainedNotThrown(string flag, string value, string explanation)
    {
        var transcript = new StringBuilder();
        await using SampleTerminal client = SampleTerminal.Start("[client]", transcript, "chat-client", flag, value);
        Assert.That(await client.WaitForExitAsync(), Is.EqualTo(1));
        await client.WaitForAsync("(stderr) " + explanation);
        Assert.That(client.HasPrinted("Unhandled exception"), Is.False, client.Transcript());
    }

    [Test]
    public async Task ASecondServerOnTheSamePortExplainsWhyItCannotListen()
    {
        var transcript = new StringBuilder();
        int port = FreePort();
        await using SampleTerminal first = await StartServerAsync(transcript, port);
        await using SampleTerminal second = SampleTerminal.Start("[second]", transcript, "chat-server", "--port", Port(port), "--cert-dir", _certificates);
        Assert.That(await second.WaitForExitAsync(), Is.EqualTo(1));
        await second.WaitForAsync($"(stderr) chat-server: cannot listen on 127.0.0.1:{port}: ");
        Assert.That(second.HasPrinted("Unhandled exception"), Is.False, second.Transcript());
    }

    private static Regex Timestamped(string from, string text) =>
        new($@"^\[\d\d:\d\d:\d\d\] <{Regex.Escape(from)}> {Regex.Escape(text)}$", RegexOptions.CultureInvariant);

    private static Regex TimestampedNotice(string text) =>
        new($@"^\[\d\d:\d\d:\d\d\] \* {Regex.Escape(text)}$", RegexOptions.CultureInvariant);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task TalkAsync(SampleTerminal speaker, string prefix, int lines)
    {
        for (int i = 1; i <= lines; i++)
        {
            await speaker.TypeAsync($"{prefix} {i}");
            await Task.Delay(10);
        }
    }

    private static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        return socket;
    }

    /// <summary>Reads until the server closes the connection; false when it stays open for 20 seconds.</summary>
    private static async Task<bool> ReadUntilClosedAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(20));
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

    private string[] ClientArguments(int port, string name) =>
        ["chat-client", "--name", name, "--port", Port(port), "--cert-dir", _certificates];

    private async Task<SampleTerminal> StartServerAsync(StringBuilder transcript, int port, params string[] flags)
    {
        SampleTerminal server = SampleTerminal.Start("[server]", transcript, ["chat-server", "--port", Port(port), "--cert-dir", _certificates, .. flags]);
        await server.WaitForAsync("listening on");
        return server;
    }

    private async Task<SampleTerminal> JoinAsync(StringBuilder transcript, int port, string name)
    {
        SampleTerminal client = SampleTerminal.Start($"[{name}]", transcript, ClientArguments(port, name));
        await client.WaitForAsync($"* joined as {name}");
        return client;
    }

    private TlsLayerOptions ClientTls()
    {
        string folder = _certificates;
        return new TlsLayerOptions
        {
            LocalCertificate = DevelopmentCertificates.LoadPem(Path.Combine(folder, "client.pem"), Path.Combine(folder, "client.key")),
            TrustedAuthorities = [DevelopmentCertificates.LoadAuthorityPem(Path.Combine(folder, "ca.pem"))],
            TargetHost = "localhost",
        };
    }
}
