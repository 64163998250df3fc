using Amp.Negotiation;
using Amp.Tests.AspNetCore.DocSnippet;
using Amp.Tests.Tls;
using Amp.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Amp.Tests.AspNetCore;

/// <summary>The Program.cs of docs/aspnetcore.md: the page shows the code this project compiles, and it serves HTTP and AMP on one port.</summary>
[CancelAfter(60_000)]
public sealed class AspNetCoreDocSnippetTests
{
    private static string Source => DocPages.Read("Amp.Tests/AspNetCore/AspNetCoreDocSnippet.cs");

    [Test]
    public void ThePageShowsTheUsingsStatementsAndTypesThisProjectCompiles()
    {
        string page = DocPages.Read("docs/aspnetcore.md");
        string source = Source;
        string usings = source[(source.IndexOf("\nusing ", StringComparison.Ordinal) + 1)..(source.IndexOf("\nnamespace ", StringComparison.Ordinal) + 1)];
        int start = source.IndexOf("// <program>\n", StringComparison.Ordinal) + "// <program>\n".Length;
        string program = source[start..source.IndexOf("        // </program>", StringComparison.Ordinal)];
        string statements = string.Join("\n", program.Split('\n').Select(line => line.StartsWith("        ", StringComparison.Ordinal) ? line[8..] : line));
        string types = source[source.IndexOf("[AmpCommand(\"Divide\")]", StringComparison.Ordinal)..];

        Assert.That(page, Does.Contain("```csharp\n" + usings + statements + "app.Run();\n\n" + types + "```"),
            "docs/aspnetcore.md shows Amp.Tests/AspNetCore/AspNetCoreDocSnippet.cs: its usings, the statements of Build then app.Run(), its types");
    }

    [Test]
    public async Task TheSnippetServesItsHttpEndpointAndAmpOnOnePort(CancellationToken cancellationToken)
    {
        string folder = Directory.CreateTempSubdirectory("amp-aspnetcore-doc-").FullName;
        try
        {
            using var certificate = DevelopmentCertificates.Issue(TestCertificates.Authority, "calc");
            DevelopmentCertificates.ExportPem(certificate, Path.Combine(folder, "calc.pem"), Path.Combine(folder, "calc.key"));
            await using WebApplication app = DocProgram.Build(
                ["--urls=http://127.0.0.1:0", $"--Calc:Certificate={Path.Combine(folder, "calc.pem")}", $"--Calc:Key={Path.Combine(folder, "calc.key")}"]);
            await app.StartAsync(cancellationToken);
            int port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;

            await using (AmpNegotiationResult negotiated = await new AmpNegotiator().ConnectAsync(
                new NegotiationAddress("127.0.0.1", port, "calc"), TlsLayerOptions.PinnedTo(TestCertificates.Authority) with { TargetHost = "localhost" }, cancellationToken))
            {
                Assert.That((await negotiated.Connection.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 4 }, cancellationToken)).Quotient, Is.EqualTo(0.25));
                var refused = Assert.ThrowsAsync<DivideByZeroException>(() => negotiated.Connection.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 0 }, cancellationToken))!;
                Assert.That(refused.Message, Is.EqualTo("web:calc: cannot divide by zero"));
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            Assert.That(await http.GetStringAsync("", cancellationToken), Is.EqualTo("Hello over HTTP. AMP is at /amp/calc; 1 divisions so far."));
            await app.StopAsync(cancellationToken);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
