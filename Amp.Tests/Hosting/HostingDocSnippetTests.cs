using Amp.Hosting;
using Amp.Tests.Hosting.DocSnippet;
using Microsoft.Extensions.DependencyInjection;

namespace Amp.Tests.Hosting;

/// <summary>The hosted chat server of docs/hosting.md: the page shows the types this project compiles, and they work.</summary>
[CancelAfter(30_000)]
public sealed class HostingDocSnippetTests
{
    private static string RepositoryFile(string relative)
    {
        for (DirectoryInfo? directory = new(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} was not found above {TestContext.CurrentContext.TestDirectory}");
    }

    [Test]
    public void ThePageShowsTheTypesThisProjectCompiles()
    {
        string page = File.ReadAllText(RepositoryFile("docs/hosting.md")).ReplaceLineEndings("\n");
        string source = File.ReadAllText(RepositoryFile("Amp.Tests/Hosting/HostingDocSnippet.cs")).ReplaceLineEndings("\n");
        string types = source[source.IndexOf("[AmpCommand(\"Join\")]", StringComparison.Ordinal)..];
        Assert.That(page, Does.Contain(types + "```"), "docs/hosting.md shows Amp.Tests/Hosting/HostingDocSnippet.cs below its namespace line");
    }

    [Test]
    public async Task TheHostedChatDeliversWhatOneClientSaysToTheOthers(CancellationToken cancellationToken)
    {
        await using TestAmpHost host = await TestAmpHost.StartAsync(cancellationToken, configure: builder =>
        {
            builder.Services.AddAmpServer().AddResponder<ChatResponder>();
            builder.Services.AddScoped<Member>();
        });
        var delivered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        AmpConnection bob = await host.ConnectAsync(cancellationToken, options: new AmpConnectionOptions
        {
            Responders = new AmpResponders().Add((Deliver deliver) =>
            {
                delivered.TrySetResult(deliver.Line);
                return new AmpEmptyResponse();
            }),
        });
        AmpConnection alice = await host.ConnectAsync(cancellationToken);
        await bob.CallRemoteAsync(new Join { Name = "bob" }, cancellationToken);
        await alice.CallRemoteAsync(new Join { Name = "alice" }, cancellationToken);

        SayResult said = await alice.CallRemoteAsync(new Say { Text = "hello" }, cancellationToken);
        Assert.That(said.Heard, Is.EqualTo(1));
        Assert.That(await delivered.Task.WaitAsync(cancellationToken), Is.EqualTo("alice: hello"));
    }
}
