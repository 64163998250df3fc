using System.Collections.Concurrent;
using Amp.Boxes;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Tool;
using Amp.Transports;

namespace Amp.Tests.Tool;

/// <summary>StartTLS in <c>amp call</c> (verification on by default, <c>--ca</c>, client certificates, <c>--insecure</c>) and in <c>amp listen</c>.</summary>
[CancelAfter(60000)]
public sealed class ToolTlsTests
{
    private static readonly string[] s_clientCertificate = ["--cert", ToolTlsFiles.ClientCertificate, "--key", ToolTlsFiles.ClientKey];

    [Test]
    public async Task PinnedCaAndClientCertificateCallInsideTls(CancellationToken cancellationToken)
    {
        var received = new ConcurrentQueue<AmpBox>();
        AmpResponders responders = new AmpResponders().AddRaw("Who", (_, connection, _) =>
            ValueTask.FromResult(new AmpBox().SetString("client", connection.GetTlsLayers()[0].PeerCertificate?.Subject ?? "none")));
        await using var server = ToolTestServer.Start(responders, TestCertificates.ServerOptions());

        ToolResult result = await ToolRun.RunAsync(cancellationToken, ["call", server.Address, "Who", "--tls", "--ca", ToolTlsFiles.Ca, .. s_clientCertificate, "-v"]);
        ToolResult named = await ToolRun.RunAsync(cancellationToken, ["call", server.Address, "Who", "--ca", ToolTlsFiles.Ca, "--server-name", "localhost", .. s_clientCertificate]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Output, Is.EqualTo("client: CN=amp-client\n"));
        Assert.That(result.Errors, Does.Contain("TLS: Tls1").And.Contain("server certificate CN=amp-server"));
        Assert.That(named.ExitCode, Is.EqualTo(ExitCodes.Success), "--ca implies --tls; the certificate names localhost");
    }

    [Test]
    public async Task AServerCertificateFromAnotherAuthorityIsExitCode4(CancellationToken cancellationToken)
    {
        await using var server = ToolTestServer.Start(new AmpResponders(), TestCertificates.ServerOptions());

        ToolResult pinned = await ToolRun.RunAsync(cancellationToken, ["call", server.Address, "Who", "--ca", ToolTlsFiles.OtherCa, .. s_clientCertificate]);
        ToolResult systemRoots = await ToolRun.RunAsync(cancellationToken, ["call", server.Address, "Who", "--tls", .. s_clientCertificate]);
        ToolResult wrongName = await ToolRun.RunAsync(cancellationToken, ["call", server.Address, "Who", "--ca", ToolTlsFiles.Ca, "--server-name", "elsewhere.example", .. s_clientCertificate]);

        ToolRun.AssertOneLineFailure(pinned, ExitCodes.TlsFailed, "(UntrustedCertificate)");
        ToolRun.AssertOneLineFailure(systemRoots, ExitCodes.TlsFailed, "(UntrustedCertificate)");
        ToolRun.AssertOneLineFailure(wrongName, ExitCodes.TlsFailed, "(HostNameMismatch)");
    }

    [Test]
    public async Task NoClientCertificateForAServerThatRequiresOneFailsAndSaysWhy(CancellationToken cancellationToken)
    {
        await using var server = ToolTestServer.Start(new AmpResponders(), TestCertificates.ServerOptions());

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Who", "--ca", ToolTlsFiles.Ca);

        // TLS 1.2 refuses during the handshake; TLS 1.3 after the client's side of it is done, so the call is what fails.
        Assert.That(result.ExitCode, Is.AnyOf(ExitCodes.TlsFailed, ExitCodes.ConnectionLost), result.ToString());
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        if (result.ExitCode == ExitCodes.ConnectionLost)
        {
            Assert.That(result.Errors, Does.Contain("give --cert"));
        }
    }

    [Test]
    public async Task InsecureSkipsVerificationAndSaysSo(CancellationToken cancellationToken)
    {
        await using var server = ToolTestServer.Start(new AmpResponders().AddRaw("Ping", (_, _, _) => ValueTask.FromResult(new AmpBox().SetString("pong", "1"))), TestCertificates.ServerOptions());

        ToolResult result = await ToolRun.RunAsync(cancellationToken, ["call", server.Address, "Ping", "--insecure", .. s_clientCertificate]);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Output, Is.EqualTo("pong: 1\n"));
        Assert.That(result.Errors, Does.StartWith("amp: WARNING: --insecure: the server's certificate is not verified"));
    }

    [Test]
    public async Task AServerWithoutStartTlsRefusesItAsExitCode4(CancellationToken cancellationToken)
    {
        await using var server = ToolTestServer.Start(new AmpResponders());

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", server.Address, "Ping", "--tls");

        ToolRun.AssertOneLineFailure(result, ExitCodes.TlsFailed, $"{server.Address} refused StartTLS: UNHANDLED");
    }

    [TestCase("--key", "client.key", "--key needs --cert")]
    [TestCase("--cert", "missing.pem", "--cert")]
    [TestCase("--ca", "missing.pem", "--ca")]
    public async Task BadCertificateFlagsAreExitCode2(string flag, string file, string mentions, CancellationToken cancellationToken)
    {
        string path = file == "client.key" ? ToolTlsFiles.ClientKey : Path.Combine(Path.GetTempPath(), $"amp-missing-{Guid.NewGuid():N}.pem");

        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", "127.0.0.1:1", "Ping", "--tls", flag, path);

        ToolRun.AssertOneLineFailure(result, ExitCodes.Usage, mentions);
    }

    [Test]
    public async Task InsecureAndAPinnedCaContradictEachOther(CancellationToken cancellationToken)
    {
        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", "127.0.0.1:1", "Ping", "--insecure", "--ca", ToolTlsFiles.Ca);

        ToolRun.AssertOneLineFailure(result, ExitCodes.Usage, "--insecure and --ca contradict each other");
    }

    [Test]
    public async Task ListenAnswersStartTlsAndRequiresAClientCertificateFromItsCa(CancellationToken cancellationToken)
    {
        await using ToolListener listener = await ToolListener.StartAsync(cancellationToken, "0", "--tls", "--cert", ToolTlsFiles.ServerCertificate, "--key", ToolTlsFiles.ServerKey, "--ca", ToolTlsFiles.Ca);
        await using AmpConnection client = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken));

        TlsConnectionInfo tls = await client.StartTlsAsync(TestCertificates.ClientOptions(), cancellationToken);
        AmpBox answer = await client.CallRemoteStringAsync("Echo", new AmpBox().SetString("secret", "inside"), cancellationToken);

        Assert.That(tls.PeerCertificate?.Subject, Is.EqualTo("CN=amp-server"));
        Assert.That(answer.GetString("secret"), Is.EqualTo("inside"));
        string output = await listener.Output.WaitForAsync("answered (echo)", cancellationToken);
        Assert.That(output, Does.Contain("TLS is up (Tls1").And.Contain("client certificate CN=amp-client"));
        Assert.That(output, Does.Contain("answered (StartTLS: the TLS handshake follows)"));
    }

    [Test]
    public async Task CallInsecurelyToListenWithItsTemporaryCertificate(CancellationToken cancellationToken)
    {
        await using ToolListener listener = await ToolListener.StartAsync(cancellationToken, "0", "--tls");

        ToolResult refused = await ToolRun.RunAsync(cancellationToken, "call", listener.Address, "Echo", "--tls", "x=1");
        ToolResult result = await ToolRun.RunAsync(cancellationToken, "call", listener.Address, "Echo", "--insecure", "x=1");

        ToolRun.AssertOneLineFailure(refused, ExitCodes.TlsFailed, "CN=amp listen (temporary)");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.Output, Is.EqualTo("x: 1\n"));
        Assert.That(listener.Errors, Does.Contain("temporary certificate"));
    }
}
