using Microsoft.CodeAnalysis;

namespace Amp.Generators.Tests;

/// <summary>What the generator writes: code that compiles for every kind of declaration, nothing for mistakes, nothing new when nothing changed.</summary>
public sealed class GeneratorTests
{
    [Test]
    public void EveryKindOfDeclarationIsGeneratedAndCompiles()
    {
        var (generated, output, _) = GeneratorDriverRun.Run(GeneratorDriverRun.Compile(ValidSources.Everything));
        Assert.That(GeneratorDriverRun.Problems(output), Is.Empty, generated);
        Assert.Multiple(() =>
        {
            Assert.That(generated, Does.Contain("[global::System.Runtime.CompilerServices.ModuleInitializer]"));
            Assert.That(generated, Does.Contain("Command<global::Valid.Everything, global::Valid.EverythingResult>(\"Everything\", true"));
            Assert.That(generated, Does.Contain("Error<global::Valid.BadInputException>(\"BAD_INPUT\", true, static message => new global::Valid.BadInputException(message))"));
            Assert.That(generated, Does.Contain("Command<global::Valid.Nameless, global::Amp.AmpEmptyResponse>(\"Nameless\", true)"), "a command without [AmpCommand] is named after its class");
            Assert.That(generated, Does.Contain("Command<global::Valid.Switch, global::Amp.AmpEmptyResponse>(\"Switch\", true)"), "a protocol switch answers with no fields");
            Assert.That(generated, Does.Contain("Record<global::Valid.Item>"), "an AmpList element is registered");
            Assert.That(generated, Does.Contain("RecordItem<global::Valid.Item>()"), "a stream of records");
            Assert.That(generated, Does.Contain("Value<global::Valid.Everything, long>(\"base\""), "an inherited field");
            Assert.That(generated, Does.Contain("UnsafeAccessorKind.Method, Name = \"set_Int\""), "an init-only setter");
            Assert.That(generated, Does.Contain("UnsafeAccessorKind.Constructor"), "a record with required members is created as reflection creates it");
            Assert.That(generated, Does.Contain("WithMaxDigits(global::Amp.Arguments.BigIntegerArgument.Instance, 10)"));
            Assert.That(generated, Does.Contain("Collection<global::System.Collections.Generic.List<int>, int>"));
            Assert.That(generated, Does.Contain("BigBytes<global::Valid.Everything>(\"data\", \"Data\", false, 1000000"));
            Assert.That(generated, Does.Contain("BigNullableMemory<global::Valid.Everything>(\"chunks\""));
            Assert.That(generated, Does.Contain("static o => o.@class"));
            Assert.That(generated, Does.Not.Contain("NotOnTheWire"));
            Assert.That(generated, Does.Contain("Responders<global::Valid.Responders>"));
            Assert.That(generated, Does.Contain("target.Quietly(command, cancellationToken, connection)"));
            Assert.That(generated, Does.Contain("responders.Add<global::Valid.Nameless, global::Amp.AmpEmptyResponse>((command, connection, cancellationToken) => target.Handle(command, connection))"), "a ValueTask is passed on as it is");
            Assert.That(generated, Does.Not.Contain("NotPublic"), "AddObject binds public methods only, as reflection does");
        });
    }

    [Test]
    public void AMistakenDeclarationIsLeftToTheAnalyzerAndTheOthersAreGenerated()
    {
        const string source = """
            public sealed class Good : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("n")] public int N { get; set; }
            }

            public sealed class Bad : IAmpCommand<AmpEmptyResponse>
            {
                [AmpArgument("x")] public int First { get; set; }
                [AmpArgument("x")] public int Second { get; set; }
            }

            public sealed class BadResponder
            {
                [AmpResponder] public Task Handle(Good command) => Task.CompletedTask;
            }
            """;
        var (generated, output, _) = GeneratorDriverRun.Run(GeneratorDriverRun.Compile(source));
        Assert.That(GeneratorDriverRun.Problems(output), Is.Empty, generated);
        Assert.That(generated, Does.Contain("Command<global::Good,"));
        Assert.That(generated, Does.Not.Contain("global::Bad"));
    }

    [Test]
    public void ACommandWithoutArgumentsIsCalledWithOneTypeArgumentWhateverItsResponse()
    {
        const string source = """
            namespace Calls
            {
                public sealed class Identity { [AmpArgument("name")] public string Name { get; init; } = ""; }
                public sealed class Who : IAmpCommand<Identity>;
                public sealed class Poke : IAmpCommand<AmpEmptyResponse>;
                public sealed class Total { [AmpArgument("total")] public int Value { get; init; } }
                public sealed class Add : IAmpCommand<Total> { [AmpArgument("a")] public int A { get; init; } }
                public sealed class Uses
                {
                    public async Task<string> NameAsync(AmpConnection connection, CancellationToken token)
                    {
                        Identity who = await connection.CallRemoteAsync<Who>(token);
                        Identity timed = await connection.CallRemoteAsync<Who>(TimeSpan.FromSeconds(1), token);
                        AmpEmptyResponse poked = await connection.CallRemoteAsync<Poke>();
                        Total sum = await connection.CallRemoteAsync(new Add { A = 1 }, token);
                        return who.Name + timed.Name + poked + sum.Value;
                    }
                }
            }
            """;
        var (generated, output, _) = GeneratorDriverRun.Run(GeneratorDriverRun.Compile(source));
        Assert.That(GeneratorDriverRun.Problems(output), Is.Empty, generated);
        Assert.Multiple(() =>
        {
            Assert.That(generated, Does.Contain("where TCommand : class, global::Amp.IAmpCommand<global::Calls.Identity>, new()"));
            Assert.That(generated, Does.Not.Contain("IAmpCommand<global::Calls.Total>"), "a command with arguments gets no overload");
            Assert.That(generated, Does.Not.Contain("IAmpCommand<global::Amp.AmpEmptyResponse>, new()"), "AmpConnection has the empty-response overload");
        });
    }

    [Test]
    public void WithoutTheGeneratorACommandWithFieldsInItsAnswerNeedsAnInstance()
    {
        // The control for the test above: the one-type-argument call of Who compiles only with the generated overload.
        const string source = """
            namespace Calls
            {
                public sealed class Identity { [AmpArgument("name")] public string Name { get; init; } = ""; }
                public sealed class Who : IAmpCommand<Identity>;
                public sealed class Uses
                {
                    public Task<Identity> NameAsync(AmpConnection connection) => connection.CallRemoteAsync<Who>();
                }
            }
            """;
        Assert.That(GeneratorDriverRun.Problems(GeneratorDriverRun.Compile(source)), Has.Some.Contains("CS"));
    }

    [Test]
    public void AProjectWithoutCommandsGetsNoFile()
    {
        var (generated, _, _) = GeneratorDriverRun.Run(GeneratorDriverRun.Compile("public sealed class Plain { public int N { get; set; } }"));
        Assert.That(generated, Is.Empty);
    }

    [Test]
    public void AnEditElsewhereReusesTheModels()
    {
        var compilation = GeneratorDriverRun.Compile(ValidSources.Everything);
        var (first, _, driver) = GeneratorDriverRun.Run(compilation);
        var edited = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Elsewhere { public sealed class Unrelated { } }"));
        var (second, _, rerun) = GeneratorDriverRun.Run(edited, driver);
        Assert.That(second, Is.EqualTo(first));
        var outputs = rerun.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.That(outputs, Is.Not.Empty);
        Assert.That(outputs.Select(o => o.Reason), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
    }
}
