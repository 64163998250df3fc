using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Amp.Boxes;
using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary><c>amp call</c> against an Amp.NET server in this process: raw arguments, answers as text and JSON, no-answer commands, Unix sockets.</summary>
[CancelAfter(60000)]
public sealed class ToolCallTests
{
    [Test]
    public async Task RawArgumentsGoAsTheirBytesAndTheAnswerPrintsAsKeyLinesWithControlBytesEscaped(CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<AmpBox>();
        AmpResponders responders = ToolTestServer.Recording(new AmpResponders(), "Sum", received, _ => new AmpBox()
            .SetString("total", "94")
            .SetString("note", "two\nlines\u0001 and a \\")
            .SetString("empty", ""));
        await using var server = ToolTestServer.Start(responders);

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Sum", "a=13", "b=81", "text=héllo wörld");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Output, Is.EqualTo("empty: \"\"\nnote: two\\nlines\\x01 and a \\\\\ntotal: 94\n"));
        Assert.That(received.Single().GetString("a"), Is.EqualTo("13"));
        Assert.That(received.Single().GetString("b"), Is.EqualTo("81"));
        Assert.That(received.Single().GetString("text"), Is.EqualTo("héllo wörld"));
        Assert.That(received.Single().Count, Is.EqualTo(3), "only the arguments: _ask and _command are not arguments");
    }

    [Test]
    public async Task JsonPrintsTheAnswerAsAnObjectWithBytesThatAreNotUtf8InBase64(CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<AmpBox>();
        AmpResponders responders = ToolTestServer.Recording(new AmpResponders(), "Get", received, _ => new AmpBox { ["raw"] = new byte[] { 0, 0xff, 0x80 } }.SetString("text", "☃"));
        await using var server = ToolTestServer.Start(responders);

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Get", "--json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        using JsonDocument answer = JsonDocument.Parse(result.Output);
        Assert.That(answer.RootElement.GetProperty("text").GetString(), Is.EqualTo("☃"));
        Assert.That(answer.RootElement.GetProperty("raw").GetProperty("base64").GetString(), Is.EqualTo(Convert.ToBase64String([0, 0xff, 0x80])));
        Assert.That(answer.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "raw", "text" }), "_answer is not part of the answer");
    }

    [Test]
    public async Task FilesAndLiteralAtSigns(CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<AmpBox>();
        await using var server = ToolTestServer.Start(ToolTestServer.Recording(new AmpResponders(), "Put", received, _ => new AmpBox()));
        string file = Path.Combine(Path.GetTempPath(), $"amp-tool-{Guid.NewGuid():N}.bin");
        byte[] content = [0, 1, 2, 0xfe, 0xff, (byte)'\n'];
        await File.WriteAllBytesAsync(file, content, cancellationToken);
        try
        {
            ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Put", $"data=@{file}", "mail=@@home", "plain=a=b");

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
            Assert.That(result.Output, Is.EqualTo("(empty box)\n"));
            AmpBox box = received.Single();
            Assert.That(box["data"].ToArray(), Is.EqualTo(content));
            Assert.That(box.GetString("mail"), Is.EqualTo("@home"));
            Assert.That(box.GetString("plain"), Is.EqualTo("a=b"), "the first = separates the key");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task NoAnswerSendsTheCommandWithoutAskAndWaitsForNothing(CancellationToken cancellationToken)
    {
        var arrived = new TaskCompletionSource<AmpBox>(TaskCreationOptions.RunContinuationsAsynchronously);
        var responders = new AmpResponders().AddRaw("Notify", (box, _, _) =>
        {
            arrived.TrySetResult(box);
            return ValueTask.FromResult(new AmpBox());
        });
        await using var server = ToolTestServer.Start(responders);

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Notify", "message=hi", "--no-answer");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Output, Is.Empty);
        Assert.That(result.Errors, Does.Contain("sent Notify (it asks for no answer)"));
        Assert.That((await arrived.Task.WaitAsync(cancellationToken)).GetString("message"), Is.EqualTo("hi"));
    }

    [Test]
    public async Task UnixSocketAddresses(CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"amp-tool-{Guid.NewGuid():N}.sock");
        var received = new ConcurrentQueue<AmpBox>();
        await using var server = ToolTestServer.Start(ToolTestServer.Recording(new AmpResponders(), "Ping", received, _ => new AmpBox().SetString("pong", "yes")), unixPath: path);

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", "unix:" + path, "Ping");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Output, Is.EqualTo("pong: yes\n"));
    }

    [Test]
    public async Task VerboseSaysWhatHappensOnStandardErrorOnly(CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<AmpBox>();
        await using var server = ToolTestServer.Start(ToolTestServer.Recording(new AmpResponders(), "Sum", received, _ => new AmpBox().SetString("total", "3")));

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", "-v", server.Address, "Sum", "a:int=1", "b:int=2");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Output, Is.EqualTo("total: 3\n"));
        Assert.That(result.Errors, Does.Contain($"connected to {server.Address}").And.Contain("calling Sum").And.Contain("  a: 1"));
        Assert.That(Encoding.UTF8.GetString(received.Single()["b"].Span), Is.EqualTo("2"));
    }
}
