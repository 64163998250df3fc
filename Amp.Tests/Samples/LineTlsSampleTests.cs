using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Amp.Samples.LineTls;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Samples;

/// <summary>
/// The line protocol sample (STARTTLS / STOPTLS without AMP, on the public <see cref="TlsLayer"/> API):
/// its demo in-process and as <c>line-tls-demo</c>, its server under one-byte reads, and the README snippet.
/// </summary>
[CancelAfter(60000)]
public sealed class LineTlsSampleTests
{
    private static readonly TlsLayerOptions s_server = TestCertificates.ServerOptions();
    private static readonly TlsLayerOptions s_client = TestCertificates.ClientOptions();

    [Test]
    public async Task TheDemoGoesThroughEveryStepInProcess(CancellationToken cancellationToken)
    {
        var transcript = new StringWriter();
        int exitCode = await LineTlsDemo.RunAsync(transcript, cancellationToken);
        string text = transcript.ToString();
        TestContext.Out.WriteLine(text);
        Assert.That(exitCode, Is.Zero, text);
        Assert.That(text, Does.Not.Contain("FAIL"));
        Assert.That(text, Does.Contain("ok   LAYERS: LAYERS 2"));
        Assert.That(text, Does.Contain("ok   plaintext ECHO sent right behind close_notify: hello in plaintext again"));
        Assert.That(text, Does.Contain("server: pushed tls(1.").And.Contain("client certificate CN=line-tls-client"));
        Assert.That(text, Does.Contain("line-tls-demo: every step as expected"));
    }

    [Test]
    public async Task LineTlsDemoIsASubcommandOfTheSamples(CancellationToken cancellationToken)
    {
        (int exitCode, string output, string errors) = await SampleProcess.RunAsync(cancellationToken, "line-tls-demo");
        Assert.That(exitCode, Is.Zero, output + errors);
        Assert.That(output, Does.Contain("STARTTLS again: TLS layer 2"));
        Assert.That(output, Does.Contain("line-tls-demo: every step as expected"));
    }

    [TestCase(1)]
    [TestCase(3)]
    public async Task TheServerUnderSmallReadsWithCommandsRightBehindEachCloseNotify(int maxBytesPerRead, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead });
        await using var _ = initiator;
        await using var __ = acceptor;
        var log = new StringWriter();
        Task serving = new LineTlsServer(s_server, TextWriter.Synchronized(log)).ServeAsync(acceptor, cancellationToken);
        await using var client = new LineTlsClient(initiator);

        Assert.That(await client.CallAsync("STOPTLS", cancellationToken), Is.EqualTo("ERR no TLS layer to stop"));
        Assert.That(await client.CallAsync("HELO", cancellationToken), Is.EqualTo("ERR unknown command"));
        for (int depth = 1; depth <= 3; depth++)
        {
            TlsConnectionInfo info = await client.StartTlsAsync(s_client, cancellationToken);
            Assert.That(info.Depth, Is.EqualTo(depth));
            Assert.That(await client.CallAsync($"ECHO depth {depth}", cancellationToken), Is.EqualTo($"depth {depth}"));
        }

        Assert.That(await client.CallAsync("LAYERS", cancellationToken), Is.EqualTo("LAYERS 3"));
        for (int depth = 2; depth >= 0; depth--)
        {
            await client.StopTlsAsync($"ECHO right behind close_notify, now at depth {depth}", cancellationToken);
            Assert.That(await client.ReadReplyAsync(cancellationToken), Is.EqualTo($"right behind close_notify, now at depth {depth}"));
            Assert.That(await client.CallAsync("LAYERS", cancellationToken), Is.EqualTo($"LAYERS {depth}"));
        }

        Assert.That(client.Depth, Is.Zero);
        Assert.That(await client.CallAsync("QUIT", cancellationToken), Is.EqualTo("BYE"));
        await serving;
    }

    [Test]
    public async Task TheReadmeSnippetCompilesAndRuns(CancellationToken cancellationToken)
    {
        // The README's snippet, pasted as is.
        static async Task TlsInTlsAndBackAsync(IDuplexPipe connection, X509Certificate2 ca, X509Certificate2 myCertificate)
        {
            TlsLayerOptions options = TlsLayerOptions.PinnedTo(ca, myCertificate) with { TargetHost = "localhost" };
            TlsLayer outer = await TlsLayer.StartAsync(connection, options, TlsRole.Client);   // push over any IDuplexPipe
            TlsLayer inner = await TlsLayer.StartAsync(outer, options, TlsRole.Client);        // push inside: TLS in TLS
            await inner.Output.WriteAsync("two layers deep\n"u8.ToArray());                   // plaintext in, records out
            await inner.StopAsync();   // pop: close_notify both ways, back to `outer`
            await outer.StopAsync();   // pop: back to plaintext, right after the peer's close_notify
            await connection.Output.WriteAsync("plaintext again\n"u8.ToArray());
        }

        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = 5 });
        await using var _ = initiator;
        await using var __ = acceptor;
        Task client = TlsInTlsAndBackAsync(initiator, TestCertificates.Authority, TestCertificates.Client);

        // The other side: the same pushes and pops as TLS server.
        TlsLayer outer = await TlsLayer.StartAsync(acceptor, s_server, TlsRole.Server, cancellationToken);
        TlsLayer inner = await TlsLayer.StartAsync(outer, s_server, TlsRole.Server, cancellationToken);
        Assert.That(await LineText.ReadLineAsync(inner.Input, cancellationToken), Is.EqualTo("two layers deep"));
        await inner.StopAsync(cancellationToken);
        await outer.StopAsync(cancellationToken);
        Assert.That(await LineText.ReadLineAsync(acceptor.Input, cancellationToken), Is.EqualTo("plaintext again"));
        await client.WaitAsync(cancellationToken);
    }
}
