using System.Text;
using System.Text.RegularExpressions;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Samples;

/// <summary>
/// The chat sample run as a person would: a server and clients as separate processes, typed into
/// through their standard input, with what each prints checked.
/// </summary>
[CancelAfter(90000)]
[Parallelizable(ParallelScope.Children)]
public sealed class ChatSampleTests
{
    private readonly ChatHarness _chat = new();

    [OneTimeTearDown]
    public void DeleteCertificates() => _chat.Dispose();

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
        int port = ChatHarness.FreePort();
        await using SampleTerminal server = await _chat.StartServerAsync(transcript, port);
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await _chat.JoinAsync(transcript, port, "bob");
        await alice.WaitForAsync(ChatHarness.TimestampedNotice("bob joined"));

        await alice.TypeAsync("hello bob");
        await bob.WaitForAsync(ChatHarness.Timestamped("alice", "hello bob"));
        await bob.TypeAsync("hello alice — ça va? ☺");
        await alice.WaitForAsync(ChatHarness.Timestamped("bob", "hello alice — ça va? ☺"));
        await server.WaitForAsync("<bob> hello alice — ça va? ☺");

        await alice.TypeAsync("/who");
        await alice.WaitForAsync("* present: alice, bob");
        await alice.TypeAsync("/nonsense");
        await alice.WaitForAsync("* type a line to say it, /who to see who is here, /quit to leave");

        await alice.TypeAsync("/quit");
        Assert.That(await alice.WaitForExitAsync(), Is.Zero);
        Assert.That(alice.HasPrinted("* left (/quit)"), Is.True, alice.Transcript());
        await bob.WaitForAsync(ChatHarness.TimestampedNotice("alice left"));

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
        int port = ChatHarness.FreePort();
        await using SampleTerminal bob = await _chat.StartServerAsync(transcript, port, "--name", "bob");
        await bob.WaitForAsync("* you are bob, hosting the chat");
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        await bob.WaitForAsync(ChatHarness.TimestampedNotice("alice joined"));

        await alice.TypeAsync("hi bob");
        await bob.WaitForAsync(ChatHarness.Timestamped("alice", "hi bob"));
        await bob.TypeAsync("hi alice, from the listening side");
        await alice.WaitForAsync(ChatHarness.Timestamped("bob", "hi alice, from the listening side"));
        await bob.TypeAsync("/who");
        await bob.WaitForAsync("* present: alice, bob");
        await using SampleTerminal secondBob = SampleTerminal.Start("[bob#2]", transcript, _chat.ClientArguments(port, "bob"));
        Assert.That(await secondBob.WaitForExitAsync(), Is.EqualTo(3));
        Assert.That(secondBob.HasPrinted("* cannot join: the nickname 'bob' is taken"), Is.True, secondBob.Transcript());

        await bob.TypeAsync("/quit");
        Assert.That(await bob.WaitForExitAsync(), Is.Zero);
        await alice.WaitForAsync(ChatHarness.TimestampedNotice("bob left (/quit), so the chat is closing"));
        Assert.That(await alice.WaitForExitAsync(), Is.EqualTo(2));
        await alice.WaitForAsync("* lost the server:");
        TestContext.Out.WriteLine(transcript);
    }

    [Test]
    public async Task AClientKilledMidConversationLeavesAndTheOthersGoOn()
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        await using SampleTerminal server = await _chat.StartServerAsync(transcript, port);
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await _chat.JoinAsync(transcript, port, "bob");
        await using SampleTerminal carol = await _chat.JoinAsync(transcript, port, "carol");

        // Lines keep flowing to carol (Deliver calls in flight) while she is killed.
        Task talking = TalkAsync(alice, "line", 30);
        await carol.WaitForAsync(ChatHarness.Timestamped("alice", "line 5"));
        carol.Kill();
        await talking;

        await server.WaitForAsync(new Regex(@"\* carol \(tcp .*\) disconnected: "));
        await alice.WaitForAsync(ChatHarness.TimestampedNotice("carol left (disconnected)"));
        await bob.WaitForAsync(ChatHarness.Timestamped("alice", "line 30"));
        await bob.TypeAsync("carol is gone; still here?");
        await alice.WaitForAsync(ChatHarness.Timestamped("bob", "carol is gone; still here?"));
        await alice.TypeAsync("/who");
        await alice.WaitForAsync("* present: alice, bob");
        Assert.That(server.HasExited, Is.False);
        Assert.That(server.HasPrinted("Unhandled exception"), Is.False, server.Transcript());
        TestContext.Out.WriteLine(transcript);
    }

    [Test]
    public async Task AClientThatLosesTheServerSaysSoAndExits()
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        SampleTerminal server = await _chat.StartServerAsync(transcript, port);
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        server.Kill();
        await server.DisposeAsync();
        Assert.That(await alice.WaitForExitAsync(), Is.EqualTo(2));
        Assert.That(alice.HasPrinted("* lost the server: "), Is.True, alice.Transcript());

        await using SampleTerminal nobody = SampleTerminal.Start("[nobody]", transcript, _chat.ClientArguments(port, "nobody"));
        Assert.That(await nobody.WaitForExitAsync(), Is.EqualTo(2));
        Assert.That(nobody.HasPrinted($"* cannot reach the server at 127.0.0.1:{port} (ConnectionRefused)"), Is.True, nobody.Transcript());
    }

    [Test]
    public async Task CtrlCLeavesTheChatCleanlyAndStopsTheServerAfterTellingEveryone()
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        await using SampleTerminal server = await _chat.StartServerAsync(transcript, port);
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await _chat.JoinAsync(transcript, port, "bob");

        await alice.InterruptAsync();
        Assert.That(await alice.WaitForExitAsync(), Is.Zero);
        Assert.That(alice.HasPrinted("* left (interrupted)"), Is.True, alice.Transcript());
        await bob.WaitForAsync(ChatHarness.TimestampedNotice("alice left"));

        await server.InterruptAsync();
        Assert.That(await server.WaitForExitAsync(), Is.Zero);
        await bob.WaitForAsync(ChatHarness.TimestampedNotice("the server is stopping"));
        await bob.WaitForAsync("* the server is going away");
        Assert.That(await bob.WaitForExitAsync(), Is.EqualTo(2));
        Assert.That(bob.HasPrinted("* lost the server: "), Is.True, bob.Transcript());
    }

    [Test]
    public async Task SigtermStopsTheServerAfterTellingEveryClientItIsGoingAway()
    {
        var transcript = new StringBuilder();
        int port = ChatHarness.FreePort();
        await using SampleTerminal server = await _chat.StartServerAsync(transcript, port);
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, port, "alice");
        await using SampleTerminal bob = await _chat.JoinAsync(transcript, port, "bob");

        await server.TerminateAsync();
        Assert.That(await server.WaitForExitAsync(), Is.Zero, server.Transcript());
        foreach (SampleTerminal client in new[] { alice, bob })
        {
            await client.WaitForAsync(ChatHarness.TimestampedNotice("the server is stopping"));
            await client.WaitForAsync("* the server is going away");
            Assert.That(await client.WaitForExitAsync(), Is.EqualTo(2));
            Assert.That(client.HasPrinted("(RemoteClosed)"), Is.True, client.Transcript());
        }

        Assert.That(server.HasPrinted("Unhandled exception"), Is.False, server.Transcript());
        TestContext.Out.WriteLine(transcript);
    }

    private static async Task TalkAsync(SampleTerminal speaker, string prefix, int lines)
    {
        for (int i = 1; i <= lines; i++)
        {
            await speaker.TypeAsync($"{prefix} {i}");
            await Task.Delay(10);
        }
    }
}
