using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Amp.Generators.Tests;

/// <summary>Runs <see cref="AmpCommandGenerator"/> with a <see cref="CSharpGeneratorDriver"/> over sources that reference Amp.Core.</summary>
internal static class GeneratorDriverRun
{
    public static CSharpCompilation Compile(params string[] sources) => Compile(References.All, sources);

    public static CSharpCompilation Compile(ImmutableArray<MetadataReference> references, params string[] sources) =>
        CSharpCompilation.Create(
            "Generated.Tests",
            sources.Select(s => CSharpSyntaxTree.ParseText(AnalyzerVerifier.Usings + s, new CSharpParseOptions(LanguageVersion.Latest))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>The generated text (empty when nothing was generated) and the compilation with it.</summary>
    public static (string Generated, Compilation Output, GeneratorDriver Driver) Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver ??= CSharpGeneratorDriver.Create(
            [new AmpCommandGenerator().AsSourceGenerator()],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        Assert.That(diagnostics, Is.Empty, "the generator reports nothing itself: the analyzer does");
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.That(result.Exception, Is.Null);
        string generated = result.GeneratedSources.Length == 0 ? "" : result.GeneratedSources.Single().SourceText.ToString();
        return (generated, output, driver);
    }

    /// <summary>The errors and warnings of a compilation, as text.</summary>
    public static string[] Problems(Compilation compilation) =>
        [.. compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString())];
}
