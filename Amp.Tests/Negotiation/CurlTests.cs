using System.Diagnostics;
using System.Net;
using Amp.Negotiation;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.Negotiation;

/// <summary>
/// curl pointed at a negotiating TCP port gets a real HTTP answer and exits, never hangs; an Amp.NET client on the same
/// port negotiates. curl must be installed (.ci/run installs it): without it these tests fail, they do not skip.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class CurlTests
{
    [Test]
    public async Task Curl_gets_426_with_a_text_explaining_the_port_and_exits(CancellationToken cancellationToken)
    {
        await using var port = await ListeningPort.StartAsync(cancellationToken);
        (int exitCode, string output) = await CurlAsync(cancellationToken, "-sS", "-i", $"http://127.0.0.1:{port.Port}/");
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.StartWith("HTTP/1.1 426 Upgrade Required\r\n"));
            Assert.That(output, Does.Contain("Upgrade: amp/1\r\n"));
            Assert.That(output, Does.Contain("This port speaks AMP (the Asynchronous Messaging Protocol), not plain HTTP."));
        });
    }

    [Test]
    public async Task Curl_asking_for_an_AMP_upgrade_to_an_unknown_target_gets_404_and_a_known_one_101(CancellationToken cancellationToken)
    {
        await using var port = await ListeningPort.StartAsync(cancellationToken);
        (int exitCode, string output) = await CurlAsync(cancellationToken, "-sS", "-i", "-H", "Connection: Upgrade", "-H", "Upgrade: amp/1", $"http://127.0.0.1:{port.Port}/amp/nobody");
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.StartWith("HTTP/1.1 404 Not Found\r\n").And.Contain("No AMP target here is named nobody."));

        // The 101 is curl's last HTTP: then TLS would start, which curl does not speak; the listener's timeout ends it.
        (exitCode, output) = await CurlAsync(cancellationToken, "-sS", "-i", "--max-time", "30", "-H", "Connection: Upgrade", "-H", "Upgrade: amp/1", $"http://127.0.0.1:{port.Port}/amp/calc");
        Assert.That(output, Does.StartWith("HTTP/1.1 101 Switching Protocols\r\n"), output);
    }

    [Test]
    public async Task An_AmpNET_client_negotiates_on_the_same_port_over_TCP(CancellationToken cancellationToken)
    {
        await using var port = await ListeningPort.StartAsync(cancellationToken);
        await using AmpNegotiationResult result = await Node("client").ConnectAsync(new NegotiationAddress("127.0.0.1", port.Port, "calc"), ClientTls(), cancellationToken);
        Assert.That((int)(await result.Connection.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken)).Total, Is.EqualTo(42));
        Assert.That(result.Connection.Layers, Does.StartWith("tcp ").And.Contain("tls(1."));
        AmpNegotiationResult served = await port.Connected.Task.WaitAsync(cancellationToken);
        Assert.That(served.PeerId, Is.EqualTo("client"));
    }

    internal static async Task<(int ExitCode, string Output)> CurlAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process curl;
        try
        {
            curl = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            string where = Environment.GetEnvironmentVariable("CI") == "true" ? "CI must have it (.ci/run installs it)" : "install it (apt-get install curl)";
            Assert.Fail($"curl is not installed: {where}. {e.Message}");
            throw;
        }

        using (curl)
        {
            Task<string> output = curl.StandardOutput.ReadToEndAsync(cancellationToken);
            Task<string> errors = curl.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await curl.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                curl.Kill();
                throw;
            }

            return (curl.ExitCode, await output + await errors);
        }
    }

    /// <summary>A TCP listener on a free loopback port serving target "calc" with <see cref="AmpNegotiationServer.ServeAsync"/>.</summary>
    private sealed class ListeningPort : IAsyncDisposable
    {
        private readonly SocketListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private Task _serving = Task.CompletedTask;

        private ListeningPort(SocketListener listener) => _listener = listener;

        public int Port => _listener.Port;

        public TaskCompletionSource<AmpNegotiationResult> Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static Task<ListeningPort> StartAsync(CancellationToken cancellationToken)
        {
            var port = new ListeningPort(SocketListener.ListenTcp(IPAddress.Loopback, 0));
            AmpNegotiationServer server = Serving("calc", Node("server"), options: new NegotiationServerOptions { Timeout = TimeSpan.FromSeconds(5) });
            port._serving = server.ServeAsync(port._listener, result =>
            {
                port.Connected.TrySetResult(result);
                return Task.CompletedTask;
            }, port._stop.Token);
            return Task.FromResult(port);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _listener.DisposeAsync();
            await _serving;
            if (Connected.Task.IsCompletedSuccessfully)
            {
                await Connected.Task.Result.DisposeAsync();
            }

            _stop.Dispose();
        }
    }
}
