using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Amp.Generators.Diagnostics;
using Amp.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>Reads an <c>[AmpCommand]</c> class's declaration as the reflection path's CommandDescriptor does.</summary>
internal static class CommandInspector
{
    /// <summary>The command's wire name, answer flag, response type and errors; <see langword="null"/> response after a problem.</summary>
    public static (string Name, bool RequiresAnswer, ITypeSymbol? Response, List<ErrorModel> Errors) InspectDeclaration(
        INamedTypeSymbol type, AttributeData? commandAttribute, KnownTypes known, List<Problem> problems)
    {
        Location? location = type.Locations.FirstOrDefault();
        string display = type.ToDisplayString();
        List<ITypeSymbol> responses = known.ResponseTypes(type);
        ITypeSymbol? response = responses.Count > 0 ? responses[0] : null;
        if (responses.Count > 1)
        {
            problems.Add(new Problem(AmpDiagnostics.CommandTwice, location, display));
            response = null;
        }
        else if (known.SwitchCommand is not null && type.AllInterfaces.Contains(known.SwitchCommand, SymbolEqualityComparer.Default))
        {
            if (response is not null)
            {
                problems.Add(new Problem(AmpDiagnostics.SwitchAndCall, location, display));
                response = null;
            }
            else
            {
                response = known.EmptyResponse;
            }
        }
        else if (response is null || type.TypeKind != TypeKind.Class)
        {
            problems.Add(new Problem(AmpDiagnostics.NotACommand, location, display));
            response = null;
        }

        string name = commandAttribute is { ConstructorArguments.Length: > 0 } && commandAttribute.ConstructorArguments[0].Value is string given ? given : type.MetadataName;
        int length = Encoding.UTF8.GetByteCount(name);
        if (length == 0 || length > ushort.MaxValue)
        {
            problems.Add(new Problem(AmpDiagnostics.CommandNameLength, location, display));
        }

        bool requiresAnswer = true;
        foreach (var named in commandAttribute?.NamedArguments ?? ImmutableArray<KeyValuePair<string, TypedConstant>>.Empty)
        {
            if (named.Key == "RequiresAnswer" && named.Value.Value is bool answer)
            {
                requiresAnswer = answer;
            }
        }

        return (name, requiresAnswer, response, InspectErrors(type, known, problems));
    }

    /// <summary>The declared errors, most derived declarations first (a subclass's code hides its base's).</summary>
    private static List<ErrorModel> InspectErrors(INamedTypeSymbol command, KnownTypes known, List<Problem> problems)
    {
        var errors = new List<ErrorModel>();
        var codes = new Dictionary<string, ITypeSymbol>();
        string display = command.ToDisplayString();
        for (INamedTypeSymbol? type = command; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
        {
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (!KnownTypes.Same(attribute.AttributeClass, known.ErrorAttribute) || attribute.ConstructorArguments.Length < 2)
                {
                    continue;
                }

                Location? location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? command.Locations.FirstOrDefault();
                string code = attribute.ConstructorArguments[0].Value as string ?? "";
                if (codes.TryGetValue(code, out ITypeSymbol? declaredBy))
                {
                    if (KnownTypes.Same(declaredBy, type))
                    {
                        problems.Add(new Problem(AmpDiagnostics.ErrorCodeTwice, location, display, code));
                    }

                    continue;
                }

                codes.Add(code, type);
                if (InspectError(attribute, code, display, location, known, problems) is { } error)
                {
                    errors.Add(error);
                }
            }
        }

        return errors;
    }

    private static ErrorModel? InspectError(AttributeData attribute, string code, string command, Location? location, KnownTypes known, List<Problem> problems)
    {
        int length = Encoding.UTF8.GetByteCount(code);
        if (length == 0 || length > ushort.MaxValue)
        {
            problems.Add(new Problem(AmpDiagnostics.ErrorCodeLength, location, command, code));
            return null;
        }

        if (attribute.ConstructorArguments[1].Value is not INamedTypeSymbol exception || exception.IsAbstract || !DerivesFrom(exception, known.Exception))
        {
            problems.Add(new Problem(AmpDiagnostics.ErrorNotException, location, command, code, attribute.ConstructorArguments[1].Value?.ToString() ?? "null"));
            return null;
        }

        bool hasConstructor = exception.InstanceConstructors.Any(c =>
            c.DeclaredAccessibility == Accessibility.Public && c.Parameters.Length == 1 && c.Parameters[0].Type.SpecialType == SpecialType.System_String);
        if (!hasConstructor)
        {
            problems.Add(new Problem(AmpDiagnostics.ErrorNoConstructor, location, command, code, exception.ToDisplayString()));
            return null;
        }

        bool fatal = attribute.NamedArguments.Any(n => n.Key == "Fatal" && n.Value.Value is true);
        return new ErrorModel(code, WireTypeResolver.Name(exception), fatal);
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (KnownTypes.Same(t, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether generated code in this assembly can name the type (no private or protected nesting, no open generics).</summary>
    public static bool IsReachable(INamedTypeSymbol type, Compilation compilation)
    {
        if (!SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly) || type.IsGenericType)
        {
            return false;
        }

        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal) || t.IsGenericType)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the type is a command without <c>[AmpCommand]</c> (named after the class, as in Twisted): a class implementing IAmpCommand&lt;T&gt; or IAmpProtocolSwitchCommand.</summary>
    public static bool IsUnattributedCommand(INamedTypeSymbol type, KnownTypes known) =>
        type.TypeKind == TypeKind.Class && !type.IsAbstract
        && !type.GetAttributes().Any(a => KnownTypes.Same(a.AttributeClass, known.CommandAttribute))
        && (known.ResponseTypes(type).Count > 0 || (known.SwitchCommand is not null && type.AllInterfaces.Contains(known.SwitchCommand, SymbolEqualityComparer.Default)));

    /// <summary>The command's model, with every record it brings that this assembly declares; <see langword="null"/> if it has problems or cannot be named.</summary>
    public static CommandModel? BuildModel(INamedTypeSymbol type, AttributeData? commandAttribute, KnownTypes known)
    {
        var problems = new List<Problem>();
        var (name, requiresAnswer, response, errors) = InspectDeclaration(type, commandAttribute, known, problems);
        if (problems.Count > 0 || response is null || !IsReachable(type, known.Compilation))
        {
            return null;
        }

        var resolver = new WireTypeResolver(known);
        RecordModel? own = RecordInspector.Inspect(type, known, resolver, problems);
        if (own is null)
        {
            return null;
        }

        var records = new List<RecordModel> { own };
        var seen = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) { type };
        var pending = new Queue<INamedTypeSymbol>();
        if (response is INamedTypeSymbol namedResponse)
        {
            pending.Enqueue(namedResponse);
        }

        Drain(resolver, pending);
        while (pending.Count > 0)
        {
            INamedTypeSymbol next = pending.Dequeue();
            if (!seen.Add(next) || !IsReachable(next, known.Compilation))
            {
                continue;
            }

            if (RecordInspector.Inspect(next, known, resolver, new List<Problem>()) is { } record)
            {
                records.Add(record);
            }

            Drain(resolver, pending);
        }

        bool callableWithoutArguments = requiresAnswer && own.Fields.Count == 0 && IsNewable(type)
            && response is INamedTypeSymbol { IsAbstract: false } answer && !SymbolEqualityComparer.Default.Equals(answer, known.EmptyResponse)
            && known.Compilation.IsSymbolAccessibleWithin(answer, known.Compilation.Assembly);
        return new CommandModel(WireTypeResolver.Name(type), WireTypeResolver.Name(response), name, requiresAnswer,
            new EquatableArray<ErrorModel>(errors.ToImmutableArray()), new EquatableArray<RecordModel>(records.ToImmutableArray()), callableWithoutArguments);
    }

    /// <summary>Whether the type satisfies a <c>new()</c> constraint: a concrete class with a public parameterless constructor.</summary>
    private static bool IsNewable(INamedTypeSymbol type) =>
        !type.IsAbstract && type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public);

    private static void Drain(WireTypeResolver resolver, Queue<INamedTypeSymbol> pending)
    {
        foreach (INamedTypeSymbol nested in resolver.NestedRecords)
        {
            pending.Enqueue(nested);
        }

        resolver.NestedRecords.Clear();
    }
}
