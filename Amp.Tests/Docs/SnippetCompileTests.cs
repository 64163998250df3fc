namespace Amp.Tests.Docs;

/// <summary>
/// Every <c>```csharp</c> block of README.md, docs/*.md and the packages' PACKAGE.md compiles as pasted into a console app that
/// references Amp.NET (see docs/testing.md, "Snippets in the docs", for the conventions).
/// </summary>
[CancelAfter(300000)]
public sealed class SnippetCompileTests
{
    private static string Pages => Path.Combine(AppContext.BaseDirectory, "Docs", "pages");

    public static IEnumerable<string> PageNames() =>
        new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(Pages, "docs"), "*.md").Select(p => "docs/" + Path.GetFileName(p)).Order(StringComparer.Ordinal))
            .Concat(Directory.GetFiles(Path.Combine(Pages, "packages"), "PACKAGE.md", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(Pages, p).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal));

    [TestCaseSource(nameof(PageNames))]
    public void EverySnippetOfThePageCompiles(string page)
    {
        List<Snippet> snippets = Read(page);
        var declarations = snippets.Where(SnippetCompiler.IsDeclaration).ToList();
        foreach (string context in SnippetCompiler.ContextPages(File.ReadAllText(PathOf(page))))
        {
            declarations.AddRange(Read(context).Where(SnippetCompiler.IsDeclaration));
        }

        string[] errors = snippets.SelectMany(snippet => SnippetCompiler.Errors(snippet, declarations)).ToArray();

        Assert.That(errors, Is.Empty, $"{page}: {snippets.Count} snippets, these do not compile:\n{string.Join('\n', errors)}");
    }

    [Test]
    public void TheSnippetsAreFoundAndFewAreFragments()
    {
        List<Snippet> all = PageNames().SelectMany(Read).ToList();

        Assert.That(all, Has.Count.GreaterThan(40), "the pages' C# blocks were found");
        Assert.That(all.Count(s => s.IsFragment), Is.LessThanOrEqualTo(3), string.Join(", ", all.Where(s => s.IsFragment)));
    }

    [Test]
    public void ABrokenSnippetIsCaught()
    {
        var snippet = new Snippet("test.md", 1, 1, "// Given: AmpConnection connection\nusing Amp;\n\nawait connection.CallNowhereAsync();");

        string[] errors = SnippetCompiler.Errors(snippet, []).ToArray();

        Assert.That(errors, Has.Length.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("test.md, line 4 (block 1): CS1061"));
    }

    private static List<Snippet> Read(string page) => Snippet.Read(PathOf(page), page).ToList();

    private static string PathOf(string page) => Path.Combine(Pages, page.Replace('/', Path.DirectorySeparatorChar));
}
