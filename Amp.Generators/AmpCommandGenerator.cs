using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Amp.Generators.Analysis;
using Amp.Generators.Emit;
using Amp.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Amp.Generators;

/// <summary>
/// Compiles the wire bindings of every <c>[AmpCommand]</c> class (its arguments, its response and the
/// AmpList elements they use) and of every class with <c>[AmpResponder]</c> methods, and registers them
/// from a module initializer, so Amp.Core describes them without reflection. A declaration with a
/// mistake is left out (the analyzer reports it, and reflection would throw for it at run time).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AmpCommandGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<CommandModel?> commands = context.SyntaxProvider.ForAttributeWithMetadataName(
            "Amp.AmpCommandAttribute",
            static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
            static (context, cancellationToken) => Command(context, cancellationToken));

        // Commands without [AmpCommand] are commands too (named after their class): any class with a base list may be one.
        IncrementalValuesProvider<CommandModel?> unattributed = context.SyntaxProvider.CreateSyntaxProvider(
            static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax { BaseList: not null },
            static (context, cancellationToken) => UnattributedCommand(context, cancellationToken));

        IncrementalValuesProvider<ResponderClassModel?> responders = context.SyntaxProvider.ForAttributeWithMetadataName(
            "Amp.AmpResponderAttribute",
            static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
            static (context, cancellationToken) => Responders(context, cancellationToken));

        var all = commands.Collect().Combine(unattributed.Collect()).Combine(responders.Collect());
        context.RegisterSourceOutput(all, static (output, models) =>
        {
            List<CommandModel> commandModels = Distinct(models.Left.Left.AddRange(models.Left.Right));
            List<ResponderClassModel> responderModels = Distinct(models.Right);
            if (commandModels.Count == 0 && responderModels.Count == 0)
            {
                return;
            }

            output.AddSource("AmpGeneratedRegistration.g.cs", RegistrationWriter.Write(commandModels, responderModels));
        });
    }

    private static CommandModel? Command(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not INamedTypeSymbol type || KnownTypes.From(context.SemanticModel.Compilation) is not { } known)
        {
            return null;
        }

        return CommandInspector.BuildModel(type, context.Attributes[0], known);
    }

    private static CommandModel? UnattributedCommand(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        // Most classes are no command: a look at their interfaces' names rules them out before any type lookup.
        if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol type
            || !type.AllInterfaces.Any(i => i.Name is "IAmpCommand" or "IAmpProtocolSwitchCommand" && i.ContainingNamespace?.ToDisplayString() == "Amp")
            || KnownTypes.From(context.SemanticModel.Compilation) is not { } known || !CommandInspector.IsUnattributedCommand(type, known))
        {
            return null;
        }

        return CommandInspector.BuildModel(type, null, known);
    }

    private static ResponderClassModel? Responders(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not IMethodSymbol method || KnownTypes.From(context.SemanticModel.Compilation) is not { } known)
        {
            return null;
        }

        return ResponderInspector.BuildModel(method.ContainingType, known);
    }

    /// <summary>One model per type, in a stable order (a class with several responders is met once per method; a partial command once per part).</summary>
    private static List<T> Distinct<T>(ImmutableArray<T?> models)
        where T : class
    {
        var seen = new HashSet<T>();
        var result = new List<T>();
        foreach (T? model in models)
        {
            if (model is not null && seen.Add(model))
            {
                result.Add(model);
            }
        }

        return result.OrderBy(m => m.ToString(), System.StringComparer.Ordinal).ToList();
    }
}
