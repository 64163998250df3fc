using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tool;

namespace Amp.Tests.Samples;

/// <summary>
/// Every sample answers <c>--help</c> without doing anything else, explains a bad flag or an unreachable
/// server in one line with an exit code instead of a stack trace, and stops on SIGTERM as on Ctrl+C.
/// The samples run as child processes, as a person runs them.
/// </summary>
[CancelAfter(180000)]
public sealed class SampleFlagTests
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

    [TestCase("demo", "demo (or chat-demo)")]
    [TestCase("chat-server", "chat-server [flags]")]
    [TestCase("chat-client", "chat-client --name NAME [flags]")]
    [TestCase("calc-demo", "calc-demo\n")]
    [TestCase("calc-server", "calc-server [--port N] [--host ADDRESS]")]
    [TestCase("calc-client", "calc-client [--port N] [--host HOST]")]
    [TestCase("calc-stdio-child", "calc-stdio-child\n")]
    [TestCase("transfer", "transfer [--megabytes N]")]
    [TestCase("line-tls-demo", "line-tls-demo\n")]
    [TestCase("telemetry-demo", "telemetry-demo\n")]
    public async Task HelpPrintsHelpAndDoesNothingElse(string command, string usage, CancellationToken cancellationToken)
    {
        (int exitCode, string output, string errors) = await SampleProcess.RunAsync(cancellationToken, command, "--help");

        Assert.That(exitCode, Is.Zero, output + errors);
        Assert.That(output.ReplaceLineEndings("\n"), Does.StartWith(usage));
        Assert.That(errors, Is.Empty);
        Assert.That(output, Does.Not.Contain("listening").And.Not.Contain("sender:").And.Not.Contain("connected"), "--help starts nothing");
    }

    [TestCase(new[] { "calc-server", "--port", "99999" }, "calc-server: --port '99999' is not a port number (0 to 65535) (see calc-server --help)")]
    [TestCase(new[] { "calc-server", "--port" }, "calc-server: --port needs a value")]
    [TestCase(new[] { "calc-server", "--verbose" }, "calc-server: unknown flag '--verbose'")]
    [TestCase(new[] { "calc-server", "--host", "example.com", "--port", "0" }, "calc-server: --host: a server listens on an IP address")]
    [TestCase(new[] { "calc-client", "--port", "0" }, "calc-client: --port '0' is not a port number (1 to 65535)")]
    [TestCase(new[] { "transfer", "--megabytes", "-1" }, "transfer: --megabytes '-1' is not a number of megabytes (1 to 4096)")]
    [TestCase(new[] { "transfer", "--megabytes", "lots" }, "transfer: --megabytes 'lots' is not a number of megabytes")]
    [TestCase(new[] { "transfer", "64" }, "transfer: unknown flag '64'")]
    [TestCase(new[] { "line-tls-demo", "--fast" }, "line-tls-demo: unknown flag '--fast'")]
    [TestCase(new[] { "calc-stdio-child", "--port", "1" }, "calc-stdio-child takes no flags")]
    [TestCase(new[] { "telemetry-demo", "--fast" }, "telemetry-demo takes no flags")]
    [TestCase(new[] { "chat-server", "--port", "99999" }, "--port: '99999' is not a port number (1 to 65535)")]
    public async Task ABadFlagIsOneLineAndExitCode2(string[] args, string mentions, CancellationToken cancellationToken)
    {
        (int exitCode, string output, string errors) = await SampleProcess.RunAsync(cancellationToken, args);

        Assert.That(exitCode, Is.EqualTo(args[0].StartsWith("chat", StringComparison.Ordinal) ? 1 : 2), output + errors);
        Assert.That(errors, Does.Contain(mentions));
        Assert.That(errors + output, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"));
        Assert.That(output, Does.Not.Contain("listening").And.Not.Contain("sender:"));
    }

    [Test]
    public async Task AnUnknownCommandListsTheCommands(CancellationToken cancellationToken)
    {
        (int exitCode, string output, string errors) = await SampleProcess.RunAsync(cancellationToken, "calculator");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(errors, Does.StartWith("Amp.Samples: unknown command 'calculator'").And.Contain("calc-server [--port N]"));
        Assert.That(output, Is.Empty);
    }

    [Test]
    public async Task CalcClientWithNoServerSaysSo(CancellationToken cancellationToken)
    {
        int port = ClosedPort();

        (int exitCode, string output, string errors) = await SampleProcess.RunAsync(cancellationToken, "calc-client", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(exitCode, Is.EqualTo(3), output + errors);
        Assert.That(errors.Trim(), Is.EqualTo($"calc-client: cannot connect to 127.0.0.1:{port}: Connection refused (is calc-server running? dotnet run --project Amp.Samples -- calc-server)"));
    }

    [Test]
    public async Task ChatClientWithNoServerSaysSo(CancellationToken cancellationToken)
    {
        int port = ClosedPort();
        string certificates = Path.Combine(Path.GetTempPath(), $"amp-chat-certs-{Guid.NewGuid():N}");
        try
        {
            (int exitCode, string output, string errors) = await SampleProcess.RunAsync(cancellationToken,
                "chat-client", "--name", "bob", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cert-dir", certificates);

            Assert.That(exitCode, Is.EqualTo(2), output + errors);
            Assert.That(output, Does.Contain($"* cannot reach the server at 127.0.0.1:{port} (ConnectionRefused)"));
            Assert.That(output + errors, Does.Not.Contain("   at "));
        }
        finally
        {
            if (Directory.Exists(certificates))
            {
                Directory.Delete(certificates, recursive: true);
            }
        }
    }

    [Test]
    public async Task CalcServerOnATakenPortSaysSo(CancellationToken cancellationToken)
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        (int exitCode, string output, string errors) = await SampleProcess.RunAsync(cancellationToken, "calc-server", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(exitCode, Is.EqualTo(3), output + errors);
        Assert.That(errors.Trim(), Does.StartWith($"calc-server: cannot listen on 127.0.0.1:{port}: "));
        Assert.That(errors, Does.Not.Contain("   at "));
    }

    [Test]
    public async Task CalcServerStopsOnSigtermClosingItsConnections(CancellationToken cancellationToken)
    {
        ProcessStartInfo info = SampleProcess.StartInfo("calc-server", "--port", "0");
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        Process server = Process.Start(info)!;
        _processes.Add(server);
        Task<string> errors = server.StandardError.ReadToEndAsync(cancellationToken);
        string? line = await server.StandardOutput.ReadLineAsync(cancellationToken);
        Assert.That(line, Does.StartWith("server: listening on 127.0.0.1:"));
        string address = line!["server: listening on ".Length..];
        await using AmpConnection client = AmpConnection.Start(await Amp.Transports.SocketTransport.ConnectTcpAsync("127.0.0.1", int.Parse(address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), cancellationToken: cancellationToken));
        await client.CallRemoteAsync(new Amp.Samples.Calculator.Sum { A = 1, B = 2 }, cancellationToken);

        await ToolProcess.TerminateAsync(server, cancellationToken);
        string rest = await server.StandardOutput.ReadToEndAsync(cancellationToken);
        await server.WaitForExitAsync(cancellationToken);

        Assert.That(server.ExitCode, Is.Zero, rest + await errors);
        Assert.That(rest, Does.Contain("server: stopping (Ctrl+C or SIGTERM); closing 1 connection(s)"));
        Assert.That((await client.Completion.WaitAsync(cancellationToken)).Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
    }

    [Test]
    public async Task TransferStopsOnSigtermAsOnCtrlC(CancellationToken cancellationToken)
    {
        ProcessStartInfo info = SampleProcess.StartInfo("transfer", "--megabytes", "1024");
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        Process transfer = Process.Start(info)!;
        _processes.Add(transfer);
        Task<string> errors = transfer.StandardError.ReadToEndAsync(cancellationToken);
        string? line = await transfer.StandardOutput.ReadLineAsync(cancellationToken);

        await ToolProcess.TerminateAsync(transfer, cancellationToken);
        await transfer.WaitForExitAsync(cancellationToken);

        Assert.That(line, Does.StartWith("transfer: writing 1,073,741,824 random bytes"), "its first line, printed before the gigabyte is written and sent four times");
        Assert.That(transfer.ExitCode, Is.EqualTo(130), await errors);
        Assert.That(await errors, Does.Contain("transfer: interrupted").And.Not.Contain("   at "));
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
