using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Amp.Generators.Tests;

/// <summary>Runs <see cref="AmpDefinitionAnalyzer"/> over a source with the Roslyn analyzer testing package: the diagnostics must be exactly the marked ones, and the source must compile.</summary>
internal static class AnalyzerVerifier
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Numerics;
        using System.Threading;
        using System.Threading.Tasks;
        using Amp;
        using Amp.Arguments;

        """;

    public static Task VerifyAsync(string source) => VerifyAsync(source, References.All);

    public static Task VerifyAsync(string source, System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.MetadataReference> references)
    {
        var test = new CSharpAnalyzerTest<AmpDefinitionAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = References.None,
        };
        test.TestState.AdditionalReferences.AddRange(references);
        return test.RunAsync();
    }
}
