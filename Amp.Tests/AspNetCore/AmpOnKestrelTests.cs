using System.Net;
using Amp.AspNetCore;
using Amp.Hosting;
using Amp.Negotiation;
using Amp.Tests.Hosting;
using Amp.Tests.Negotiation;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.AspNetCore;

/// <summary>
/// AMP on a real Kestrel port shared with an ordinary HTTP endpoint: an Amp.NET client negotiates through the HTTP/1.1
/// upgrade and calls responders resolved from its connection's scope; other requests get real HTTP answers.
/// </summary>
[CancelAfter(60_000)]
public sealed class AmpOnKestrelTests
{
    private static Task<AmpNegotiationResult> ConnectAsync(int port, string target, CancellationToken cancellationToken, string? id = "client") =>
        Node(id).ConnectAsync(new NegotiationAddress("127.0.0.1", port, target), ClientTls(), cancellationToken);

    [Test]
    public async Task AClientNegotiatesThroughKestrelsUpgradeAndCallsAResponderResolvedFromItsConnectionsScope(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        await using AmpNegotiationResult negotiated = await ConnectAsync(web.Port, "calc", cancellationToken);

        Assert.That(negotiated.Tls.PeerCertificate?.Subject, Is.EqualTo("CN=target-a"), "the target's own certificate");
        Assert.That(negotiated.Decision.Extensions, Is.EqualTo(AmpExtensions.Default));
        HostProbeResult first = await negotiated.Connection.CallRemoteAsync(new HostProbe(), cancellationToken);
        HostProbeResult second = await negotiated.Connection.CallRemoteAsync(new HostProbe(), cancellationToken);
        Assert.That(first.Listener, Is.EqualTo("web:calc"));
        Assert.That(second.Scope, Is.EqualTo(first.Scope), "one scope per connection");

        AmpConnectionContext served = web.Get<IAmpConnections>().Single();
        Assert.That(served.ListenerName, Is.EqualTo(AmpWebOptions.EntryPointName("calc")));
        Assert.That(served.Connection.Layers, Does.StartWith("http ").And.Contain("tls(1."), "AMP over TLS over Kestrel's upgraded stream");

        await negotiated.Connection.CloseAsync();
        await web.Get<ProbeLedger>().WhenDisposed(first.Scope).WaitAsync(cancellationToken);
    }

    [Test]
    public async Task TheAppsHttpEndpointAnswersOnTheSamePortBesideALiveAmpConnection(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        await using AmpNegotiationResult negotiated = await ConnectAsync(web.Port, "calc", cancellationToken);
        using var http = new HttpClient { BaseAddress = web.BaseAddress };

        Assert.That(await http.GetStringAsync("hello", cancellationToken), Is.EqualTo(TestWebApp.HelloText));
        Assert.That((await negotiated.Connection.CallRemoteAsync(new HostProbe(), cancellationToken)).Listener, Is.EqualTo("web:calc"));
    }

    [Test]
    public async Task CurlGettingTheAmpPathGets426NamingTheProtocolWithAShortText(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        (int exitCode, string output) = await CurlTests.CurlAsync(cancellationToken, "-sS", "-i", $"http://127.0.0.1:{web.Port}/amp/calc");
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.StartWith("HTTP/1.1 426 Upgrade Required\r\n"));
            Assert.That(output, Does.Contain("Upgrade: amp/1\r\n").And.Contain("Content-Type: text/plain; charset=utf-8\r\n"));
            Assert.That(output, Does.Contain("This path serves AMP (the Asynchronous Messaging Protocol), not plain HTTP."));
        });

        using var http = new HttpClient { BaseAddress = web.BaseAddress };
        using HttpResponseMessage answer = await http.GetAsync("amp/nobody", cancellationToken);
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.UpgradeRequired), "an ordinary request is not an AMP request, whatever the target");
    }

    [Test]
    public async Task AnAmpClientAskingForAnUnknownTargetGets404(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        var failure = Assert.ThrowsAsync<AmpNegotiationException>(() => ConnectAsync(web.Port, "nobody", cancellationToken))!;
        Assert.That(failure.Failure, Is.EqualTo(NegotiationFailure.UnknownTarget));
        Assert.That(failure.Message, Does.Contain("No AMP target here is named nobody."));

        string answer = await RawHttp.SendAsync(web.Port, RawHttp.Upgrade("/amp/nobody"), cancellationToken);
        Assert.That(answer, Does.StartWith("HTTP/1.1 404 Not Found\r\n").And.Contain("Connection: close\r\n").And.EndWith("No AMP target here is named nobody.\n"));
        Assert.That(web.Get<IAmpConnections>(), Is.Empty);
    }

    [Test]
    public async Task MalformedUpgradeRequestsGet400AndPathsThatNameNoTarget404(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        Assert.That(await RawHttp.SendAsync(web.Port, RawHttp.Upgrade("/amp/calc", method: "POST"), cancellationToken),
            Does.StartWith("HTTP/1.1 400 Bad Request\r\n").And.EndWith("Bad AMP upgrade request: the method is POST, not GET.\n"));
        Assert.That(await RawHttp.SendAsync(web.Port, RawHttp.Upgrade("/amp/calc", version: "HTTP/1.0"), cancellationToken),
            Does.StartWith("HTTP/1.1 400 Bad Request\r\n").And.EndWith("Bad AMP upgrade request: the version is HTTP/1.0, not HTTP/1.1.\n"));
        Assert.That(await RawHttp.SendAsync(web.Port, RawHttp.Upgrade("/amp/calc?x=1"), cancellationToken),
            Does.StartWith("HTTP/1.1 404 Not Found\r\n").And.EndWith("No AMP target at this path: AMP targets are at /amp/<target>.\n"));
        Assert.That(await RawHttp.SendAsync(web.Port, RawHttp.Upgrade("/amp/not!an!id"), cancellationToken),
            Does.StartWith("HTTP/1.1 404 Not Found\r\n").And.EndWith("No AMP target at this path: AMP targets are at /amp/<target>.\n"));
    }

    [Test]
    public async Task ARedirectedTargetGets303AndTheClientFollowsItToAnotherServer(CancellationToken cancellationToken)
    {
        // The target lives on a standalone negotiation listener; the web port sends clients there.
        await using SocketListener elsewhere = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task serving = Serving("calc", Node("elsewhere")).ServeAsync(elsewhere, _ => Task.CompletedTask, stopping.Token);
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken,
            web: options => options.AddTarget("calc", TargetTls(TargetA)).AddRedirect("calculator", new NegotiationAddress("127.0.0.1", elsewhere.Port, "calc")));

        string answer = await RawHttp.SendAsync(web.Port, RawHttp.Upgrade("/amp/calculator"), cancellationToken);
        Assert.That(answer, Does.StartWith("HTTP/1.1 303 See Other\r\n").And.Contain($"Location: http://127.0.0.1:{elsewhere.Port}/amp/calc\r\n"));

        await using (AmpNegotiationResult negotiated = await ConnectAsync(web.Port, "calculator", cancellationToken))
        {
            Assert.That(negotiated.Target, Is.EqualTo("calc"));
            Assert.That(negotiated.PeerId, Is.EqualTo("elsewhere"));
            Assert.That((int)(await negotiated.Connection.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken)).Total, Is.EqualTo(42));
        }

        await stopping.CancelAsync();
        await serving;
    }

    [Test]
    public async Task AnHttp2RequestGets505SayingThatAmpNeedsAnHttp11Upgrade(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken, protocols: Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        using var http = new HttpClient { BaseAddress = web.BaseAddress, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using HttpResponseMessage answer = await http.GetAsync("amp/calc", cancellationToken);
        Assert.That(answer.Version, Is.EqualTo(HttpVersion.Version20));
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.HttpVersionNotSupported));
        Assert.That(await answer.Content.ReadAsStringAsync(cancellationToken), Does.Contain("HTTP/2 and HTTP/3 have no such upgrade: connect with HTTP/1.1."));
        Assert.That(await http.GetStringAsync("hello", cancellationToken), Is.EqualTo(TestWebApp.HelloText), "the app's own endpoints speak HTTP/2");
    }

    [Test]
    public async Task ATargetWithItsOwnNodeAndRespondersIsServedAndStillListed(CancellationToken cancellationToken)
    {
        var own = new NegotiationTarget("interop", TargetTls(TargetB), Node("own-node"));
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken, web: options => options.AddTarget(own));
        await using AmpNegotiationResult negotiated = await ConnectAsync(web.Port, "interop", cancellationToken);

        Assert.That(negotiated.PeerId, Is.EqualTo("own-node"));
        Assert.That(negotiated.Tls.PeerCertificate?.Subject, Is.EqualTo("CN=target-b"));
        Assert.That((int)(await negotiated.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken)).Total, Is.EqualTo(3));

        // Its own responders resolve nothing from the host: it is listed when the entry point adopts it, after the
        // negotiation, which may be after this call was answered (docs/aspnetcore.md).
        await web.Signals.Logged(AmpEventId.ConnectionAccepted).WaitAsync(cancellationToken);
        Assert.That(web.Get<IAmpConnections>().Single().ListenerName, Is.EqualTo("web:interop"));
    }

    [Test]
    public async Task TheTargetsNodeSettingsComeFromTheFactoryAroundTheServersConnectionOptions(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken,
            web: options => options.AddTarget("calc", TargetTls(TargetA), connection => new NegotiationOptions { Id = "zzz-web", ConnectionOptions = connection },
                new AmpListenerConnectionOptions { Extensions = AmpExtensions.GoAway }));
        await using AmpNegotiationResult negotiated = await ConnectAsync(web.Port, "calc", cancellationToken);
        Assert.That(negotiated.PeerId, Is.EqualTo("zzz-web"));
        Assert.That(negotiated.IsMaster, Is.False, "the higher id decides: the web node's");
        Assert.That(negotiated.Decision.Extensions, Is.EqualTo(AmpExtensions.GoAway), "the target's connection settings offered only goaway/1");
        Assert.That((await negotiated.Connection.CallRemoteAsync(new HostProbe(), cancellationToken)).Listener, Is.EqualTo("web:calc"));
    }

    [Test]
    public void NegotiationSettingsThatDropTheServersConnectionOptionsFailTheStart()
    {
        var failure = Assert.ThrowsAsync<InvalidOperationException>(() => TestWebApp.StartAsync(CancellationToken.None,
            web: options => options.AddTarget("calc", TargetTls(TargetA), _ => new NegotiationOptions())))!;
        Assert.That(failure.Message, Does.Contain("web target 'calc' must use the connection options they are given"));
    }
}
