using System.Text;
using System.Text.RegularExpressions;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Samples;

/// <summary>
/// <c>chat-host</c>, the chat server on the .NET host, run as a process: one chat client comes to its AMP listener (StartTLS,
/// as with chat-server), another through its web port with the negotiation in front (<c>--via</c>); they chat in one room.
/// </summary>
[CancelAfter(120_000)]
public sealed class ChatHostSampleTests
{
    private readonly ChatHarness _chat = new();

    [OneTimeTearDown]
    public void DeleteCertificates() => _chat.Dispose();

    /// <summary>Starts chat-host on free ports; returns it with its AMP listener's port and its web port.</summary>
    private async Task<(SampleTerminal Host, int AmpPort, int WebPort)> StartHostAsync(StringBuilder transcript)
    {
        SampleTerminal host = SampleTerminal.Start("[host]", transcript,
            ["chat-host", "--cert-dir", _chat.Certificates, "--Urls=http://127.0.0.1:0", "--Amp:Listeners:0:Endpoint=tcp://127.0.0.1:0"]);
        string listener = await host.WaitForAsync(new Regex(@"^\* AMP listener chat on tcp://127\.0\.0\.1:\d+ ", RegexOptions.CultureInvariant));
        string web = await host.WaitForAsync(new Regex(@"^\* web port http://127\.0\.0\.1:\d+: ", RegexOptions.CultureInvariant));
        return (host, Port(listener, "tcp://127.0.0.1:"), Port(web, "http://127.0.0.1:"));
    }

    private static int Port(string line, string after) =>
        int.Parse(Regex.Match(line, Regex.Escape(after) + @"(\d+)", RegexOptions.CultureInvariant).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public async Task AClientOnTheAmpListenerAndOneThroughTheWebPortsNegotiationChatInOneRoomUntilSigterm(CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        (SampleTerminal started, int ampPort, int webPort) = await StartHostAsync(transcript);
        await using SampleTerminal host = started;
        await using SampleTerminal alice = await _chat.JoinAsync(transcript, ampPort, "alice");
        await using SampleTerminal bob = SampleTerminal.Start("[bob]", transcript,
            ["chat-client", "--name", "bob", "--via", $"http://127.0.0.1:{webPort}/amp/chat", "--cert-dir", _chat.Certificates]);
        await bob.WaitForAsync("* joined as bob");

        Assert.That(alice.HasPrinted("* layers: tcp ") && !alice.HasPrinted("* negotiated"), Is.True, "alice called StartTLS on the AMP listener");
        Assert.That(bob.HasPrinted($"* negotiated with http://127.0.0.1:{webPort}/amp/chat (target chat"), Is.True, bob.Transcript());
        Assert.That(bob.HasPrinted("server certificate CN=chat-server"), Is.True, "the web target presents the chat's certificate");
        await host.WaitForAsync("* alice joined through chat over Tls1");
        await host.WaitForAsync("* bob joined through web:chat over Tls1");

        await alice.WaitForAsync(ChatHarness.TimestampedNotice("bob joined"));
        await alice.TypeAsync("hello bob, I came straight in");
        await bob.WaitForAsync(ChatHarness.Timestamped("alice", "hello bob, I came straight in"));
        await bob.TypeAsync("hi alice, I came through the web port");
        await alice.WaitForAsync(ChatHarness.Timestamped("bob", "hi alice, I came through the web port"));
        await bob.TypeAsync("/who");
        await bob.WaitForAsync("* present: alice, bob");

        // The same port serves the web page and tells a browser on the AMP path what it is.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/") };
        Assert.That(await http.GetStringAsync("", cancellationToken), Does.StartWith("The Amp.NET chat: 2 present."));
        using (HttpResponseMessage browser = await http.GetAsync("amp/chat", cancellationToken))
        {
            Assert.That((int)browser.StatusCode, Is.EqualTo(426));
        }

        await host.TerminateAsync();
        Assert.That(await host.WaitForExitAsync(), Is.Zero, host.Transcript());
        foreach (SampleTerminal client in new[] { alice, bob })
        {
            await client.WaitForAsync(ChatHarness.TimestampedNotice("the server is stopping"));
            await client.WaitForAsync("* the server is going away");
            Assert.That(await client.WaitForExitAsync(), Is.EqualTo(2), client.Transcript());
            Assert.That(client.HasPrinted("(RemoteClosed)"), Is.True, client.Transcript());
        }

        Assert.That(host.HasPrinted("* stopped"), Is.True, host.Transcript());
        Assert.That(host.HasPrinted("Unhandled exception") || host.HasPrinted("fail:"), Is.False, host.Transcript());
        TestContext.Out.WriteLine(transcript);
    }

    [Test]
    public async Task TheHelpOfTheSamplesAndOfChatHostDescribeIt(CancellationToken cancellationToken)
    {
        (int exitCode, string text, _) = await SampleProcess.RunAsync(cancellationToken, "--help");
        Assert.That(exitCode, Is.Zero);
        Assert.That(text, Does.Contain("chat-host").And.Contain("chat-client --via http://127.0.0.1:5080/amp/chat"));

        (exitCode, text, _) = await SampleProcess.RunAsync(cancellationToken, "chat-host", "--help");
        Assert.That(exitCode, Is.Zero);
        Assert.That(text, Does.Contain("ChatHost/appsettings.json").And.Contain("/amp/chat"));

        (exitCode, text, _) = await SampleProcess.RunAsync(cancellationToken, "chat-client", "--help");
        Assert.That(exitCode, Is.Zero);
        Assert.That(text, Does.Contain("--via URL"));
    }

    [Test]
    public async Task AClientDialingAWebPortWithNoChatGetsTheNegotiationsAnswerAndExits(CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        (SampleTerminal started, _, int webPort) = await StartHostAsync(transcript);
        await using SampleTerminal host = started;
        (int exitCode, string text, _) = await SampleProcess.RunAsync(cancellationToken,
            "chat-client", "--name", "carol", "--via", $"http://127.0.0.1:{webPort}/amp/lobby", "--cert-dir", _chat.Certificates);
        Assert.That(exitCode, Is.EqualTo(2), text);
        Assert.That(text, Does.Contain($"* cannot negotiate with http://127.0.0.1:{webPort}/amp/lobby (UnknownTarget)"));
    }
}
