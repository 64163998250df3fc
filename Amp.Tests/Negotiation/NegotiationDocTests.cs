using System.Net;
using System.Security.Cryptography.X509Certificates;
using Amp.Negotiation;
using Amp.Samples.Calculator;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Negotiation;

/// <summary>docs/negotiation.md's snippet, pasted as is, run over loopback TCP (and checked to still be what the page shows).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class NegotiationDocTests
{
    [Test]
    public async Task The_snippet_of_docs_negotiation_md_compiles_and_runs(CancellationToken cancellationToken)
    {
        // docs/negotiation.md, "How to use", pasted as is (without its using lines).
        // The listening side: one TCP port, targets with their own certificates, a redirect.
        static async Task ServeAsync(SocketListener listener, X509Certificate2 calcCertificate, CancellationToken stopping)
        {
            var node = new AmpNegotiator(new NegotiationOptions
            {
                Id = "server-7",
                ConnectionOptions = new AmpConnectionOptions
                {
                    Responders = new AmpResponders().Add((Divide c) => new DivideResult { Quotient = c.Numerator / c.Denominator }),
                },
            });
            var server = new AmpNegotiationServer()
                .AddTarget(new NegotiationTarget("calc", new TlsLayerOptions { LocalCertificate = calcCertificate }, node))
                .AddRedirect("calculator", new NegotiationAddress("localhost", listener.Port, "calc"));
            await server.ServeAsync(listener, negotiated =>
            {
                Console.WriteLine($"{negotiated.PeerId} connected to {negotiated.Target}: {negotiated.Decision.Extensions}");
                return Task.CompletedTask;   // the connection runs on: keep negotiated.Connection to call the peer back
            }, stopping);
        }

        // The connecting side.
        static async Task<double> DivideAsync(int port, X509Certificate2 ca)
        {
            var node = new AmpNegotiator(new NegotiationOptions { Id = "alice" });
            await using AmpNegotiationResult negotiated = await node.ConnectAsync(
                new NegotiationAddress("localhost", port, "calculator"),   // redirected to "calc" on the same port
                TlsLayerOptions.PinnedTo(ca));                           // the target's certificate must chain to ca and name localhost
            DivideResult result = await negotiated.Connection.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 4 });
            return result.Quotient;
        }

        X509Certificate2 calcCertificate = DevelopmentCertificates.Issue(TestCertificates.Authority, "calc");
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task serving = ServeAsync(listener, calcCertificate, stopping.Token);
        Assert.That(await DivideAsync(listener.Port, TestCertificates.Authority), Is.EqualTo(0.25));
        await stopping.CancelAsync();
        await serving;
    }

    [Test]
    public void The_page_shows_exactly_the_snippet_this_test_runs()
    {
        string page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "negotiation.md")).ReplaceLineEndings("\n");
        int start = page.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        string snippet = string.Join("\n", page[start..page.IndexOf("```", start, StringComparison.Ordinal)].Split('\n')
            .Where(line => !line.StartsWith("using ", StringComparison.Ordinal))).Trim('\n');

        string test = File.ReadAllText(Path.Combine(RepositoryRoot(), "Amp.Tests", "Negotiation", "NegotiationDocTests.cs")).ReplaceLineEndings("\n");
        const string Marker = "(without its using lines).\n";
        int from = test.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        string pasted = string.Join("\n", test[from..test.IndexOf("\n\n        X509Certificate2 calcCertificate", from, StringComparison.Ordinal)].Split('\n')
            .Select(line => line.Length >= 8 ? line[8..] : line.TrimStart()));
        Assert.That(pasted, Is.EqualTo(snippet));
    }

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Amp.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Amp.sln not found above " + AppContext.BaseDirectory);
    }
}
