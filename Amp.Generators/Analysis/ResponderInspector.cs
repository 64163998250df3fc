using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amp.Generators.Diagnostics;
using Amp.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>Binds <c>[AmpResponder]</c> methods as the reflection path's ResponderMethodBinder does.</summary>
internal static class ResponderInspector
{
    public static bool IsResponder(IMethodSymbol method, KnownTypes known) =>
        method.GetAttributes().Any(a => KnownTypes.Same(a.AttributeClass, known.ResponderAttribute));

    /// <summary>
    /// The binding of one method, or <see langword="null"/> after a problem. Only public instance methods
    /// are bound: AddObject ignores the others, as reflection does.
    /// </summary>
    public static ResponderModel? Inspect(IMethodSymbol method, KnownTypes known, List<Problem> problems)
    {
        if (method.IsStatic || method.DeclaredAccessibility != Accessibility.Public || method.MethodKind != MethodKind.Ordinary)
        {
            return null;
        }

        Location? location = method.Locations.FirstOrDefault();
        string owner = method.ContainingType.ToDisplayString();
        if (method.Parameters.Length == 0)
        {
            problems.Add(new Problem(AmpDiagnostics.ResponderNoCommand, location, owner, method.Name));
            return null;
        }

        ITypeSymbol command = method.Parameters[0].Type;
        List<ITypeSymbol> responses = known.ResponseTypes(command);
        if (responses.Count == 0)
        {
            problems.Add(new Problem(AmpDiagnostics.ResponderNotCommand, location, owner, method.Name, command.Name));
            return null;
        }

        ITypeSymbol response = responses[0];
        var arguments = new List<string> { "command" };
        bool ok = true;
        for (int i = 1; i < method.Parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            if (KnownTypes.Same(parameter.Type, known.Connection))
            {
                arguments.Add("connection");
            }
            else if (KnownTypes.Same(parameter.Type, known.CancellationToken))
            {
                arguments.Add("cancellationToken");
            }
            else
            {
                problems.Add(new Problem(AmpDiagnostics.ResponderParameter, parameter.Locations.FirstOrDefault() ?? location, owner, method.Name, parameter.Name));
                ok = false;
            }
        }

        ReturnShape? shape = KnownTypes.Same(method.ReturnType, response) ? ReturnShape.Response
            : KnownTypes.IsConstructedFrom(method.ReturnType, known.Task) && KnownTypes.Same(((INamedTypeSymbol)method.ReturnType).TypeArguments[0], response) ? ReturnShape.Task
            : KnownTypes.IsConstructedFrom(method.ReturnType, known.ValueTask) && KnownTypes.Same(((INamedTypeSymbol)method.ReturnType).TypeArguments[0], response) ? ReturnShape.ValueTask
            : null;
        if (shape is null)
        {
            problems.Add(new Problem(AmpDiagnostics.ResponderReturn, location, owner, method.Name, response.Name));
            return null;
        }

        if (!ok || responses.Count > 1 || method.IsGenericMethod)
        {
            return null;
        }

        return new ResponderModel(WireTypeResolver.Name(command), WireTypeResolver.Name(response), Identifier(method.Name), string.Join(", ", arguments), shape.Value);
    }

    /// <summary>
    /// The model of a class whose <c>[AmpResponder]</c> methods (its own and inherited public ones) all bind;
    /// <see langword="null"/> if one does not or the class cannot be named.
    /// </summary>
    public static ResponderClassModel? BuildModel(INamedTypeSymbol type, KnownTypes known)
    {
        if (!CommandInspector.IsReachable(type, known.Compilation) || type.IsStatic)
        {
            return null;
        }

        var methods = new List<ResponderModel>();
        var overridden = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var problems = new List<Problem>();
        for (INamedTypeSymbol? t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            foreach (IMethodSymbol method in t.GetMembers().OfType<IMethodSymbol>())
            {
                if (overridden.Contains(method.OriginalDefinition))
                {
                    continue;
                }

                if (method.OverriddenMethod is { } baseMethod)
                {
                    overridden.Add(baseMethod.OriginalDefinition);
                }

                if (!IsResponder(method, known))
                {
                    continue;
                }

                if (Inspect(method, known, problems) is { } model)
                {
                    methods.Add(model);
                }
                else if (problems.Count > 0 || method.IsGenericMethod)
                {
                    return null;
                }
            }
        }

        return methods.Count == 0 ? null : new ResponderClassModel(WireTypeResolver.Name(type), new EquatableArray<ResponderModel>(methods.ToImmutableArray()));
    }

    private static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;
}
