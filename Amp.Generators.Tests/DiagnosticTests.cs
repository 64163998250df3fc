using System.Collections.Immutable;
using Amp.Generators.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Amp.Generators.Tests;

/// <summary>The analyzer's diagnostics: each mistake reported, valid declarations left alone, every id documented.</summary>
public sealed class DiagnosticTests
{
    [TestCaseSource(typeof(DiagnosticCases), nameof(DiagnosticCases.Cases))]
    public async Task EachMistakeIsReportedWhereItIs(string id, string source)
    {
        Assert.That(source, Does.Contain("{|" + id + ":"));
        await AnalyzerVerifier.VerifyAsync(source);
    }

    [Test]
    public void EveryDiagnosticHasACaseAndAPage()
    {
        ImmutableArray<DiagnosticDescriptor> descriptors = new AmpDefinitionAnalyzer().SupportedDiagnostics;
        var cased = DiagnosticCases.Cases().Select(c => (string)c.Arguments[0]!).ToHashSet();
        string root = RepositoryRoot();
        string releases = File.ReadAllText(Path.Combine(root, "Amp.Generators", "AnalyzerReleases.Unshipped.md"));
        Assert.That(descriptors.Select(d => d.Id).Distinct().Count(), Is.EqualTo(descriptors.Length).And.EqualTo(32));
        foreach (DiagnosticDescriptor descriptor in descriptors)
        {
            Assert.That(cased, Does.Contain(descriptor.Id), "a test case");
            Assert.That(descriptor.DefaultSeverity, Is.EqualTo(DiagnosticSeverity.Error));
            Assert.That(descriptor.HelpLinkUri, Is.EqualTo($"{AmpDiagnostics.HelpRoot}{descriptor.Id}.md"));
            string page = Path.Combine(root, descriptor.HelpLinkUri);
            Assert.That(File.Exists(page), Is.True, page);
            Assert.That(File.ReadAllText(page), Does.StartWith($"# {descriptor.Id}: {descriptor.Title}"));
            Assert.That(releases, Does.Contain($"{descriptor.Id} | Amp.Definition | Error"));
        }
    }

    [Test]
    public async Task ValidDeclarationsOfEveryKindGetNoDiagnostic() => await AnalyzerVerifier.VerifyAsync(ValidSources.Everything);

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Amp.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Amp.sln is not above the test directory");
    }
}
