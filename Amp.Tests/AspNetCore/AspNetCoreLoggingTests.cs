using Amp.Negotiation;
using Microsoft.Extensions.Logging;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.AspNetCore;

/// <summary>What AMP on the web port logs (category Amp.AspNetCore, ids 1900-1999) through the application's providers.</summary>
[CancelAfter(60_000)]
public sealed class AspNetCoreLoggingTests
{
    [Test]
    public async Task AConnectionsUpgradeStartAndEndAreLoggedAtDebugAndTheTargetsAtStart(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        await using (AmpNegotiationResult negotiated = await Node("client").ConnectAsync(new NegotiationAddress("127.0.0.1", web.Port, "calc"), ClientTls(), cancellationToken))
        {
            await web.Signals.Logged(AmpEventId.WebConnectionStarted).WaitAsync(cancellationToken);
        }

        await web.Signals.Logged(AmpEventId.WebConnectionEnded).WaitAsync(cancellationToken);
        var entries = web.Log.Entries.Where(e => e.Category == "Amp.AspNetCore").ToList();
        Assert.That(entries.Select(e => e.EventId.Id), Is.SupersetOf(new[] { AmpEventId.WebTargetsStarted, AmpEventId.WebUpgradeAccepted, AmpEventId.WebConnectionStarted, AmpEventId.WebConnectionEnded }));
        Assert.That(entries.Single(e => e.EventId.Id == AmpEventId.WebTargetsStarted).Level, Is.EqualTo(LogLevel.Information));
        Assert.That(entries.Single(e => e.EventId.Id == AmpEventId.WebTargetsStarted).Message, Is.EqualTo("AMP over HTTP upgrade serves targets calc; redirects (none)"));
        Assert.That(entries.Where(e => e.EventId.Id != AmpEventId.WebTargetsStarted).Select(e => e.Level), Is.All.EqualTo(LogLevel.Debug));
        Assert.That(entries.Single(e => e.EventId.Id == AmpEventId.WebConnectionStarted).Message, Does.Contain("for target calc (peer client, extensions "));
    }

    [Test]
    public async Task AnOrdinaryClientOrAFailedNegotiationLogsNothingAboveDebugInTheWebCategory(CancellationToken cancellationToken)
    {
        await using TestWebApp web = await TestWebApp.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = web.BaseAddress };
        using (await http.GetAsync("amp/calc", cancellationToken))
        {
        }

        // A client that trusts another authority gives up in the handshake: the negotiation fails on the web side too.
        Assert.ThrowsAsync<AmpNegotiationException>(() => Node("client").ConnectAsync(new NegotiationAddress("127.0.0.1", web.Port, "calc"),
            ClientTls() with { TrustedAuthorities = [Amp.Tests.Tls.TestCertificates.OtherAuthority] }, cancellationToken));
        await web.Signals.Logged(AmpEventId.WebNegotiationFailed).WaitAsync(cancellationToken);

        var entries = web.Log.Entries.Where(e => e.Category == "Amp.AspNetCore" && e.EventId.Id != AmpEventId.WebTargetsStarted).ToList();
        Assert.That(entries.Single(e => e.EventId.Id == AmpEventId.WebRequestAnswered).Message, Does.Contain("answered 426: not an AMP upgrade request"));
        Assert.That(entries.Single(e => e.EventId.Id == AmpEventId.WebNegotiationFailed).Message, Does.Contain("the negotiation for target calc failed (TlsFailed)").Or.Contain("(PeerClosed)"));
        Assert.That(entries.Select(e => e.Level), Is.All.EqualTo(LogLevel.Debug));
    }
}
