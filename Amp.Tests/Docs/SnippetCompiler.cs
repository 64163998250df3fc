using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amp.Tests.Docs;

/// <summary>
/// Compiles a page's snippets as files of a console app (<c>dotnet new console</c>: its implicit usings,
/// nullable on) that references Amp.NET's libraries and the packages they use. The types a block
/// declares are visible to every block of its page (and of the pages its page names in
/// <c>&lt;!-- snippets: README.md --&gt;</c>); a block's statements are the app's program.
/// </summary>
internal static partial class SnippetCompiler
{
    private static readonly CSharpParseOptions s_parse = new(LanguageVersion.Latest);

    private static readonly SyntaxTree s_implicitUsings = CSharpSyntaxTree.ParseText(
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; "
        + "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;",
        s_parse);

    private static readonly Lazy<List<MetadataReference>> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(path => Path.GetFileName(path) is not ("Amp.Tests.dll" or "Amp.Samples.dll" or "amp.dll"))
            .DistinctBy(Path.GetFileName)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList());

    /// <summary>Whether the block declares types (alone or beside statements): its types are visible to the page's other blocks.</summary>
    public static bool IsDeclaration(Snippet snippet) =>
        !snippet.IsFragment && CSharpSyntaxTree.ParseText(snippet.Code, s_parse).GetCompilationUnitRoot().Members.Any(m => m is not GlobalStatementSyntax);

    /// <summary>The pages a page names in <c>&lt;!-- snippets: A.md, B.md --&gt;</c>, whose declaration blocks its blocks see.</summary>
    public static IReadOnlyList<string> ContextPages(string pageText) =>
        ContextComment().Match(pageText) is { Success: true } match
            ? match.Groups["pages"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>The compiler's errors for <paramref name="snippet"/> compiled with <paramref name="declarations"/>, as readable lines.</summary>
    public static IEnumerable<string> Errors(Snippet snippet, IReadOnlyList<Snippet> declarations)
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(WithGiven(snippet), s_parse, path: snippet.ToString());
        if (snippet.IsFragment)
        {
            return Report(snippet, tree.GetDiagnostics());
        }

        bool program = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var trees = new List<SyntaxTree> { s_implicitUsings, tree };
        trees.AddRange(declarations.Where(d => d != snippet).Select(TypesOf));
        var compilation = CSharpCompilation.Create(
            "Snippet",
            trees,
            s_references.Value,
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return Report(snippet, compilation.GetDiagnostics());
    }

    /// <summary>A declaration block's usings and types, without its statements (a program has one file of those).</summary>
    private static SyntaxTree TypesOf(Snippet declaration)
    {
        CompilationUnitSyntax root = CSharpSyntaxTree.ParseText(declaration.Code, s_parse).GetCompilationUnitRoot();
        root = root.RemoveNodes(root.Members.OfType<GlobalStatementSyntax>(), SyntaxRemoveOptions.KeepNoTrivia)!;
        return CSharpSyntaxTree.Create(root, s_parse, path: declaration.ToString());
    }

    /// <summary>The block with its <c>// Given:</c> variables declared, on the line of its last using directive (so line numbers stay).</summary>
    private static string WithGiven(Snippet snippet)
    {
        if (snippet.Given.Count == 0)
        {
            return snippet.Code;
        }

        string declarations = string.Concat(snippet.Given.Select(given => $" {given} = default!;"));
        CompilationUnitSyntax root = CSharpSyntaxTree.ParseText(snippet.Code, s_parse).GetCompilationUnitRoot();
        int at = root.Usings.Count > 0 ? root.Usings[^1].Span.End : 0;
        return snippet.Code[..at] + declarations + (at == 0 ? " " : "") + snippet.Code[at..];
    }

    /// <summary>The errors in the block itself, or in none (a missing entry point); the declaration blocks' own errors are reported when they are compiled.</summary>
    private static IEnumerable<string> Report(Snippet snippet, IEnumerable<Diagnostic> diagnostics) =>
        diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => (Where: d.Location.GetLineSpan(), Diagnostic: d))
            .Where(e => e.Where.Path == snippet.ToString() || !e.Diagnostic.Location.IsInSource)
            .Select(e => e.Diagnostic.Location.IsInSource
                ? $"{snippet.Page}, line {snippet.Line + e.Where.StartLinePosition.Line} (block {snippet.Index}): {e.Diagnostic.Id} {e.Diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"
                : $"{snippet}: {e.Diagnostic.Id} {e.Diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");

    [GeneratedRegex(@"<!--\s*snippets:\s*(?<pages>[^>]*?)\s*-->")]
    private static partial Regex ContextComment();
}
