using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amp.Generators.Tests;

/// <summary>
/// MessagePack arguments live in Amp.MessagePack: with a reference to it the generator writes the argument type
/// the property names; without it the declaration is AMP032 and the generator leaves the command out.
/// </summary>
public sealed class MessagePackTests
{
    private const string Declared = """
        using Amp.MessagePack;

        public sealed class Payload { public int X { get; set; } }

        public sealed class Send : IAmpCommand<AmpEmptyResponse>
        {
            [AmpArgument("p", Type = typeof(MessagePackArgument<Payload>))] public Payload P { get; set; } = new();
            [AmpArgument("maybe", Type = typeof(MessagePackArgument<Payload>))] public Payload? Maybe { get; set; }
        }
        """;

    [Test]
    public async Task WithAmpMessagePackTheDeclarationIsValid() => await AnalyzerVerifier.VerifyAsync(Declared, References.WithMessagePack);

    [Test]
    public void WithAmpMessagePackTheGeneratedCodeNamesItsArgumentType()
    {
        var (generated, output, _) = GeneratorDriverRun.Run(GeneratorDriverRun.Compile(References.WithMessagePack, Declared));
        Assert.That(GeneratorDriverRun.Problems(output), Is.Empty, generated);
        Assert.That(generated, Does.Contain("Command<global::Send, global::Amp.AmpEmptyResponse>(\"Send\""));
        Assert.That(generated, Does.Contain("new global::Amp.MessagePack.MessagePackArgument<global::Payload>()"));
    }

    [Test]
    public void WithoutAmpMessagePackTheCommandIsLeftOut()
    {
        const string source = """
            public sealed class Payload { public int X { get; set; } }

            public sealed class Good : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("n")] public int N { get; set; }
            }

            public sealed class Send : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("p", Type = typeof(MessagePackArgument<Payload>))] public Payload P { get; set; } = new();
            }
            """;
        var (generated, output, _) = GeneratorDriverRun.Run(GeneratorDriverRun.Compile(source));
        Assert.That(GeneratorDriverRun.Problems(output), Has.Some.Contains("CS0246"), "the compiler's own error stays");
        Assert.That(generated, Does.Contain("Command<global::Good,"));
        Assert.That(generated, Does.Not.Contain("global::Send").And.Not.Contain("MessagePack"));
    }

    [Test]
    public async Task WithAmpMessagePackButWithoutItsUsingTheDeclarationIsAmp032()
    {
        // A declaration written when MessagePackArgument<T> was in Amp.Arguments (AnalyzerVerifier.Usings has that using).
        const string source = """
            public sealed class Payload { public int X { get; set; } }

            public sealed class Send : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("p", Type = typeof({|CS0246:MessagePackArgument<Payload>|}))] public Payload {|AMP032:P|} { get; set; } = new();
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, References.WithMessagePack);
    }

    [Test]
    public async Task WithAmpMessagePackAMessagePackObjectWithoutTypeIsStillAmp018()
    {
        // The package is there: the fix is to name the argument type, which AMP018's page says.
        const string source = """
            [global::MessagePack.MessagePackObject] public sealed class Point { [global::MessagePack.Key(0)] public int X { get; set; } }

            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("p")] public Point {|AMP018:P|} { get; set; } = new();
            }
            """;
        await AnalyzerVerifier.VerifyAsync(source, References.WithMessagePack);
    }

    [Test]
    public async Task Amp032SaysWhatToDo()
    {
        const string named = """
            public sealed class Payload { public int X { get; set; } }
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("p", Type = typeof(MessagePackArgument<Payload>))] public Payload P { get; set; } = new();
            }
            """;
        const string messagePackObject = """
            namespace MessagePack
            {
                [AttributeUsage(AttributeTargets.Class)] public sealed class MessagePackObjectAttribute : Attribute { }
            }
            [MessagePack.MessagePackObject] public sealed class Point { public int X { get; set; } }
            public sealed class C : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("p")] public Point P { get; set; } = new();
            }
            """;
        Assert.That(await Amp032(named, References.All), Is.EqualTo(
            "'C.P': MessagePackArgument<T> is in the Amp.MessagePack package, which this project does not reference: reference it and add 'using Amp.MessagePack;'"));
        Assert.That(await Amp032(named, References.WithMessagePack), Is.EqualTo(
            "'C.P': MessagePackArgument<T> is not in scope: add 'using Amp.MessagePack;' (it moved there from Amp.Arguments)"));
        Assert.That(await Amp032(messagePackObject, References.All), Is.EqualTo(
            "'C.P': Point is a [MessagePackObject] without an AMP wire type: reference the Amp.MessagePack package and name Type = typeof(MessagePackArgument<Point>)"));
    }

    private static async Task<string> Amp032(string source, ImmutableArray<MetadataReference> references)
    {
        var compilation = GeneratorDriverRun.Compile(references, source).WithAnalyzers([new AmpDefinitionAnalyzer()]);
        ImmutableArray<Diagnostic> diagnostics = await compilation.GetAnalyzerDiagnosticsAsync();
        return diagnostics.Single(d => d.Id == "AMP032").GetMessage(CultureInfo.InvariantCulture);
    }
}
