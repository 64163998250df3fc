using System.Text.Json;
using Amp.Boxes;
using Amp.Tool;
using Amp.Transports;

namespace Amp.Tests.Tool;

/// <summary><c>amp listen</c> receiving calls from Amp.NET clients (and from <c>amp call</c>): what it prints, echo, scripts, StartTLS, bad flags.</summary>
[CancelAfter(60000)]
public sealed class ToolListenTests
{
    [Test]
    public async Task EchoesEachCallAndPrintsEveryBoxWithTimeAndPeer(CancellationToken cancellationToken)
    {
        await using ToolListener listener = await ToolListener.StartAsync(cancellationToken, "0");
        await using AmpConnection client = await ConnectAsync(listener, cancellationToken);

        AmpBox answer = await client.CallRemoteStringAsync("Sum", new AmpBox().SetString("a", "13").SetString("b", "81"), cancellationToken);
        await client.SendRemoteStringAsync("Notify", new AmpBox().SetString("message", "bell\u0007"), cancellationToken);
        AmpBox second = await client.CallRemoteStringAsync("Again", null, cancellationToken);

        Assert.That(answer.GetString("a"), Is.EqualTo("13"));
        Assert.That(answer.GetString("b"), Is.EqualTo("81"));
        Assert.That(answer.Keys.Order(StringComparer.Ordinal), Is.EqualTo(new[] { "_answer", "a", "b" }), "the echo is the arguments, without _ask and _command");
        Assert.That(second.Keys, Is.EqualTo(new[] { "_answer" }));
        string output = await listener.Output.WaitForAsync("answered (echo)", cancellationToken, times: 2);
        Assert.That(output, Does.Match(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z #1 127\.0\.0\.1:\d+ received\n  _ask: 1\n  _command: Sum\n  a: 13\n  b: 81\n"));
        Assert.That(output, Does.Contain("received\n  _command: Notify\n  message: bell\\x07\n").And.Contain("not answered (no _ask: the command asks for no answer)"));
        Assert.That(output, Does.Contain("answered (echo)\n  _answer: 1\n  a: 13\n  b: 81\n"));
        Assert.That(output, Does.Contain("received\n  _ask: 3\n  _command: Again\n"), "the no-answer command used up tag 2, as in Twisted");
    }

    [Test]
    public async Task JsonPrintsOneObjectPerEvent(CancellationToken cancellationToken)
    {
        await using ToolListener listener = await ToolListener.StartAsync(cancellationToken, "0", "--json");
        await using (AmpConnection client = await ConnectAsync(listener, cancellationToken))
        {
            await client.CallRemoteStringAsync("Sum", new AmpBox().SetString("a", "1"), cancellationToken);
        }

        string output = await listener.Output.WaitForAsync("\"event\":\"disconnected\"", cancellationToken);
        JsonElement[] events = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.That(events.Select(e => e.GetProperty("event").GetString()), Is.EqualTo(new[] { "listening", "connected", "received", "answered", "disconnected" }));
        Assert.That(events[2].GetProperty("box").GetProperty("_command").GetString(), Is.EqualTo("Sum"));
        Assert.That(events[3].GetProperty("box").GetProperty("a").GetString(), Is.EqualTo("1"));
        Assert.That(events[3].GetProperty("detail").GetString(), Is.EqualTo("echo"));
        Assert.That(events[4].GetProperty("detail").GetString(), Does.StartWith("RemoteClosed"));
        Assert.That(events[1].GetProperty("connection").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task AScriptAnswersErrsClosesAndLeavesTheRestUnhandled(CancellationToken cancellationToken)
    {
        string script = await WriteScriptAsync("""
            # amp listen --script: COMMAND REPLY
            Sum      total:int=94  note="two words"   # an answer box
            Divide   error ZERO_DIVISION "cannot divide by zero"
            Blank    empty
            Mirror   echo
            Quit     close
            """, cancellationToken);
        try
        {
            await using ToolListener listener = await ToolListener.StartAsync(cancellationToken, "0", "--script", script);
            await using AmpConnection client = await ConnectAsync(listener, cancellationToken);

            AmpBox sum = await client.CallRemoteStringAsync("Sum", new AmpBox().SetString("a", "1"), cancellationToken);
            var divide = Assert.ThrowsAsync<AmpRemoteException>(() => client.CallRemoteStringAsync("Divide", null, cancellationToken));
            AmpBox blank = await client.CallRemoteStringAsync("Blank", null, cancellationToken);
            AmpBox mirror = await client.CallRemoteStringAsync("Mirror", new AmpBox().SetString("x", "y"), cancellationToken);
            var nope = Assert.ThrowsAsync<AmpUnhandledCommandException>(() => client.CallRemoteStringAsync("Nope", null, cancellationToken));
            var quit = Assert.ThrowsAsync<AmpConnectionLostException>(() => client.CallRemoteStringAsync("Quit", null, cancellationToken));

            Assert.That(sum.GetString("total"), Is.EqualTo("94"));
            Assert.That(sum.GetString("note"), Is.EqualTo("two words"));
            Assert.That(divide!.ErrorCode, Is.EqualTo("ZERO_DIVISION"));
            Assert.That(divide.Description, Is.EqualTo("cannot divide by zero"));
            Assert.That(blank.Keys, Is.EqualTo(new[] { "_answer" }));
            Assert.That(mirror.GetString("x"), Is.EqualTo("y"));
            Assert.That(nope!.Description, Is.EqualTo("Unhandled Command: b'Nope'"));
            Assert.That(quit!.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
            Assert.That(await listener.Output.WaitForAsync("closing the connection (script)", cancellationToken), Does.Contain("answered (unhandled)"));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Test]
    public async Task AnAmpNetClientsExtensionHelloAndStartTlsWithoutTlsAreRefusedAsByTwisted(CancellationToken cancellationToken)
    {
        await using ToolListener listener = await ToolListener.StartAsync(cancellationToken, "0");
        await using AmpConnection client = await ConnectAsync(listener, cancellationToken);

        AmpExtensions agreed = await client.NegotiateExtensionsAsync(cancellationToken);
        var startTls = Assert.ThrowsAsync<AmpRemoteException>(() => Amp.Tls.AmpTls.StartTlsAsync(client, Tls.TestCertificates.ClientOptions(), cancellationToken));

        Assert.That(agreed, Is.EqualTo(AmpExtensions.None));
        Assert.That(startTls!.ErrorCode, Is.EqualTo("TLS_ERROR"));
        Assert.That(startTls.Description, Is.EqualTo("TLS not available"));
        Assert.That(await listener.Output.WaitForAsync("answered (no --tls)", cancellationToken), Does.Contain("  _command: _amp.extensions"));
    }

    [Test]
    public async Task ListensOnAUnixSocketAndStopsAfterTheConnectionsAskedFor(CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"amp-listen-{Guid.NewGuid():N}.sock");
        await using ToolListener listener = await ToolListener.StartAsync(cancellationToken, "unix:" + path, "--connections", "1");

        ToolResult call = await ToolRun.RunAsync(cancellationToken, "call", "unix:" + path, "Hello", "name:text=ünïcode");

        Assert.That(listener.Address, Is.EqualTo("unix:" + path));
        Assert.That(call.ExitCode, Is.EqualTo(ExitCodes.Success), call.ToString());
        Assert.That(call.Output, Is.EqualTo("name: ünïcode\n"));
        Assert.That(await listener.Run, Is.EqualTo(ExitCodes.Success), "it exits by itself once its one connection has ended");
    }

    [Test]
    public async Task InterruptingItIsAnOrdinaryStop(CancellationToken cancellationToken)
    {
        ToolListener listener = await ToolListener.StartAsync(cancellationToken, "0");
        await using AmpConnection client = await ConnectAsync(listener, cancellationToken);
        await client.CallRemoteStringAsync("Ping", null, cancellationToken);

        Assert.That(await listener.StopAsync(), Is.EqualTo(ExitCodes.Success));
        Assert.That((await client.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed), "open connections are closed");
        await listener.DisposeAsync();
    }

    [Test]
    public async Task APortInUseIsExitCode3(CancellationToken cancellationToken)
    {
        await using ToolListener first = await ToolListener.StartAsync(cancellationToken, "0");

        ToolResult second = await ToolRun.RunAsync(cancellationToken, "listen", first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        ToolRun.AssertOneLineFailure(second, ExitCodes.ConnectFailed, $"cannot listen on 127.0.0.1:{first.Port}");
    }

    [TestCase("Sum", "'Sum' needs a reply", 1)]
    [TestCase("Sum total=1\nDivide error", "line 2: error takes a code", 2)]
    [TestCase("Sum echo now", "'echo' takes nothing after it", 1)]
    [TestCase("Sum \"open", "a quote is not closed", 1)]
    [TestCase("Sum total:intt=1", "is not a type", 1)]
    [TestCase("Sum maybe", "is not a reply", 1)]
    public async Task ABadScriptLineIsExitCode2NamingTheLine(string text, string mentions, int line, CancellationToken cancellationToken)
    {
        string script = await WriteScriptAsync(text, cancellationToken);
        try
        {
            ToolResult result = await ToolRun.RunAsync(cancellationToken, "listen", "0", "--script", script);

            ToolRun.AssertOneLineFailure(result, ExitCodes.Usage, $"--script {script}, line {line}: ");
            Assert.That(result.Errors, Does.Contain(mentions));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<AmpConnection> ConnectAsync(ToolListener listener, CancellationToken cancellationToken) =>
        AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken));

    private static async Task<string> WriteScriptAsync(string text, CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"amp-script-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, text, cancellationToken);
        return path;
    }
}
