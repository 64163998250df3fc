using System.Net;
using Amp.Hosting;
using Amp.Negotiation;
using Amp.Tests.Hosting;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.AspNetCore;

/// <summary>
/// AMP through a real reverse proxy: YARP in a second Kestrel application forwards to the application serving AMP. The
/// client dials the proxy; TLS runs end to end (the proxy sees ciphertext after the 101).
/// </summary>
[CancelAfter(60_000)]
public sealed class YarpTests
{
    private static Task<AmpNegotiationResult> ConnectAsync(int port, CancellationToken cancellationToken) =>
        Node("client").ConnectAsync(new NegotiationAddress("127.0.0.1", port, "calc"), ClientTls(), cancellationToken);

    [Test]
    public async Task WithTheAmpUpgradeForwardedAClientNegotiatesThroughYarpAndCalls(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        await using TestProxy proxy = await TestProxy.StartAsync(web.Port, forwardAmpUpgrades: true, cancellationToken);

        await using (AmpNegotiationResult negotiated = await ConnectAsync(proxy.Port, cancellationToken))
        {
            Assert.That(negotiated.Tls.PeerCertificate?.Subject, Is.EqualTo("CN=target-a"), "TLS with the target itself, through the proxy");
            HostProbeResult probe = await negotiated.Connection.CallRemoteAsync(new HostProbe(), cancellationToken);
            Assert.That(probe.Listener, Is.EqualTo("web:calc"));
            Assert.That(web.Get<IAmpConnections>().Single().Connection.Layers, Does.Contain("tls(1."));

            // The server calls back through the proxy as well, while the app's HTTP endpoint answers through it.
            Task<HostHoldResult> held = negotiated.Connection.CallRemoteAsync(new HostHold { Key = 9 }, cancellationToken);
            await web.Get<HoldGate>().Entered(9).WaitAsync(cancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxy.Port}/") };
            Assert.That(await http.GetStringAsync("hello", cancellationToken), Is.EqualTo(TestWebApp.HelloText));
            web.Get<HoldGate>().Release(9);
            Assert.That((await held).Key, Is.EqualTo(9));
        }

        Assert.That(proxy.Log.Entries.Where(e => e.Category.StartsWith("Yarp", StringComparison.Ordinal)).Select(e => e.Message),
            Has.Some.Contains("101"), "YARP saw the 101 and tunnelled the connection");
    }

    [Test]
    public async Task YarpOutOfTheBoxDropsTheAmpUpgradeSoTheServerAnswers426(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        await using TestProxy proxy = await TestProxy.StartAsync(web.Port, forwardAmpUpgrades: false, cancellationToken);

        var failure = Assert.ThrowsAsync<AmpNegotiationException>(() => ConnectAsync(proxy.Port, cancellationToken))!;
        Assert.That(failure.Failure, Is.EqualTo(NegotiationFailure.HttpError));
        Assert.That(failure.StatusCode, Is.EqualTo((int)HttpStatusCode.UpgradeRequired), "the server saw an ordinary GET: YARP dropped Connection and Upgrade");
        Assert.That(web.Get<IAmpConnections>(), Is.Empty);
    }

    [Test]
    public void ThePageShowsTheForwardingRecipeThisProjectCompiles()
    {
        string page = DocPages.Read("docs/aspnetcore.md");
        string source = DocPages.Read("Amp.Tests/AspNetCore/AmpUpgradeForwarding.cs");
        string recipe = source[source.IndexOf("/// <summary>", StringComparison.Ordinal)..];
        Assert.That(page, Does.Contain(recipe + "```"), "docs/aspnetcore.md shows Amp.Tests/AspNetCore/AmpUpgradeForwarding.cs below its namespace line");
        string usings = source[(source.IndexOf("\nusing ", StringComparison.Ordinal) + 1)..(source.IndexOf("\nnamespace ", StringComparison.Ordinal) + 1)];
        Assert.That(page, Does.Contain(usings), "with its using lines");
    }
}
