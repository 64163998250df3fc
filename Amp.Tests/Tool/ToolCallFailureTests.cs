using System.Net;
using System.Net.Sockets;
using Amp.Boxes;
using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary>Each way <c>amp call</c> can fail gets its own exit code and one line on standard error, never a stack trace.</summary>
[CancelAfter(60000)]
public sealed class ToolCallFailureTests
{
    [Test]
    public async Task ARefusedConnectionIsExitCode3(CancellationToken cancellationToken)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", $"127.0.0.1:{port}", "Sum");

        ToolRun.AssertOneLineFailure(result, ExitCodes.ConnectFailed, $"cannot connect to 127.0.0.1:{port}");
        Assert.That(result.Output, Is.Empty);
    }

    [Test]
    public async Task AMissingUnixSocketIsExitCode3(CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), $"amp-tool-{Guid.NewGuid():N}.sock");

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", "unix:" + path, "Sum");

        ToolRun.AssertOneLineFailure(result, ExitCodes.ConnectFailed, $"cannot connect to unix:{path}");
    }

    [Test]
    public async Task NoAnswerWithinTheTimeoutIsExitCode5(CancellationToken cancellationToken)
    {
        await using var server = new CapturingServer(CapturingServer.Reply.Nothing);

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Sum", "--timeout", "0.5");

        ToolRun.AssertOneLineFailure(result, ExitCodes.TimedOut, $"timed out: no answer from {server.Address} within 0.5 s");
        Assert.That(server.FirstBox.IsCompletedSuccessfully, Is.True, "the call was sent");
    }

    [Test]
    public async Task TheServerClosingBeforeTheAnswerIsExitCode6(CancellationToken cancellationToken)
    {
        await using var server = new CapturingServer(CapturingServer.Reply.Close);

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Sum");

        ToolRun.AssertOneLineFailure(result, ExitCodes.ConnectionLost, "the connection ended before the answer (RemoteClosed)");
    }

    [Test]
    public async Task AServerThatBreaksTheProtocolIsExitCode6(CancellationToken cancellationToken)
    {
        await using var server = new CapturingServer(CapturingServer.Reply.Garbage);

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Sum");

        ToolRun.AssertOneLineFailure(result, ExitCodes.ConnectionLost, "(ProtocolViolation)");
    }

    [Test]
    public async Task AnErrorAnswerIsExitCode1WithItsCodeAndDescription(CancellationToken cancellationToken)
    {
        var responders = new AmpResponders().AddRaw("Divide", (_, _, _) => throw new AmpRemoteException("ZERO_DIVISION", "cannot divide by zero"));
        await using var server = ToolTestServer.Start(responders);

        ToolResult text = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Divide", "numerator=1", "denominator=0");
        ToolResult json = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Divide", "--json");
        ToolResult unhandled = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Nope");

        ToolRun.AssertOneLineFailure(text, ExitCodes.RemoteError, "amp: Divide failed: ZERO_DIVISION: cannot divide by zero");
        Assert.That(text.Output, Is.EqualTo("_error_code: ZERO_DIVISION\n_error_description: cannot divide by zero\n"));
        Assert.That(json.ExitCode, Is.EqualTo(ExitCodes.RemoteError));
        Assert.That(json.Output.ReplaceLineEndings("\n"), Is.EqualTo("{\n  \"_error_code\": \"ZERO_DIVISION\",\n  \"_error_description\": \"cannot divide by zero\"\n}\n"));
        ToolRun.AssertOneLineFailure(unhandled, ExitCodes.RemoteError, "Nope failed: UNHANDLED: Unhandled Command: b'Nope'");
    }

    [Test]
    public async Task InterruptingAWaitingCallIsExitCode130(CancellationToken cancellationToken)
    {
        await using var server = new CapturingServer(CapturingServer.Reply.Nothing);
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        Task<ToolResult> running = ToolRun.RunAsync(interrupt.Token, "call", server.Address, "Sum", "--timeout", "0");
        await server.FirstBox.WaitAsync(cancellationToken);
        await interrupt.CancelAsync();
        ToolResult result = await running;

        ToolRun.AssertOneLineFailure(result, ExitCodes.Interrupted, "amp: interrupted");
    }
}
