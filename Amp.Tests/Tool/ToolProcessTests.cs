using System.Diagnostics;
using System.Text.RegularExpressions;
using Amp.Tests.TestUtilities;
using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary>
/// The built <c>amp</c> as a child process: against the samples' calculator server (itself a child
/// process), its exit codes as a shell sees them, and SIGTERM stopping <c>amp listen</c> as Ctrl+C does.
/// </summary>
[CancelAfter(180000)]
public sealed partial class ToolProcessTests
{
    private readonly List<Process> _processes = [];

    [TearDown]
    public void KillChildren()
    {
        foreach (Process process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        _processes.Clear();
    }

    [Test]
    public async Task CallsTheCalculatorSampleRawAndTypedFromItsAssembly(CancellationToken cancellationToken)
    {
        ProcessStartInfo info = SampleProcess.StartInfo("calc-server", "--port", "0");
        info.RedirectStandardOutput = true;
        Process server = Start(info);
        string? line;
        do
        {
            line = await server.StandardOutput.ReadLineAsync(cancellationToken);
        }
        while (line is not null && !line.Contains("listening", StringComparison.Ordinal));

        Assert.That(line, Is.Not.Null, "calc-server ended before listening");
        string address = ListeningOn().Match(line!).Groups["address"].Value;
        string samples = SampleProcess.AssemblyPath;

        ToolResult sum = await ToolProcess.RunAsync(cancellationToken, "call", address, "Sum", "a:int=13", "b:int=81");
        ToolResult divide = await ToolProcess.RunAsync(cancellationToken, "call", address, "Divide", "--commands", samples, "numerator=1", "denominator=4", "--json");
        ToolResult zero = await ToolProcess.RunAsync(cancellationToken, "call", address, "Divide", "--commands", samples, "numerator=1", "denominator=0");

        Assert.That((sum.ExitCode, sum.Output), Is.EqualTo((ExitCodes.Success, "total: 94\n")), sum.ToString());
        Assert.That(divide.ExitCode, Is.EqualTo(ExitCodes.Success), divide.ToString());
        Assert.That(divide.Output.ReplaceLineEndings("\n"), Is.EqualTo("{\n  \"quotient\": 0.25\n}\n"), "a declared float is a JSON number");
        Assert.That(zero.ExitCode, Is.EqualTo(ExitCodes.RemoteError), zero.ToString());
        Assert.That(zero.Errors, Is.EqualTo("amp: Divide failed: ZERO_DIVISION: cannot divide by zero (declared: DivideByZeroException)\n"));
    }

    [Test]
    public async Task AnUnreachableServerIsExitCode3WithOneLine(CancellationToken cancellationToken)
    {
        ToolResult result = await ToolProcess.RunAsync(cancellationToken, "call", "127.0.0.1:1", "Sum");

        ToolRun.AssertOneLineFailure(result, ExitCodes.ConnectFailed, "amp: cannot connect to 127.0.0.1:1: Connection refused");
    }

    [Test]
    public async Task SigtermStopsListenAsCtrlCDoes(CancellationToken cancellationToken)
    {
        Process listener = Start(ToolProcess.StartInfo("listen", "0"));
        string? line = await listener.StandardOutput.ReadLineAsync(cancellationToken);
        Assert.That(line, Does.Contain("listening on 127.0.0.1:"));
        string address = ListeningOn().Match(line!).Groups["address"].Value;
        ToolResult call = await ToolProcess.RunAsync(cancellationToken, "call", address, "Ping", "n=1");
        Assert.That(call.Output, Is.EqualTo("n: 1\n"));

        await ToolProcess.TerminateAsync(listener, cancellationToken);
        await listener.WaitForExitAsync(cancellationToken);

        Assert.That(listener.ExitCode, Is.EqualTo(ExitCodes.Success), await listener.StandardError.ReadToEndAsync(cancellationToken));
        Assert.That(await listener.StandardOutput.ReadToEndAsync(cancellationToken), Does.Contain("received\n  _ask: 1\n  _command: Ping\n  n: 1\n"));
    }

    [Test]
    public async Task DecodeReadsStandardInput(CancellationToken cancellationToken)
    {
        Process decode = Start(ToolProcess.StartInfo("decode", "--json"));
        await decode.StandardInput.BaseStream.WriteAsync(Amp.Tests.Interop.TwistedCapture.Box("sum-call"), cancellationToken);
        decode.StandardInput.Close();
        string output = await decode.StandardOutput.ReadToEndAsync(cancellationToken);
        await decode.WaitForExitAsync(cancellationToken);

        Assert.That(decode.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(output, Is.EqualTo("{\"index\":1,\"offset\":0,\"length\":40,\"box\":{\"_ask\":\"1\",\"_command\":\"Sum\",\"a\":\"13\",\"b\":\"81\"}}\n"));
    }

    private Process Start(ProcessStartInfo info)
    {
        Process process = Process.Start(info)!;
        _processes.Add(process);
        return process;
    }

    [GeneratedRegex(@"listening on (?<address>\S+)")]
    private static partial Regex ListeningOn();
}
