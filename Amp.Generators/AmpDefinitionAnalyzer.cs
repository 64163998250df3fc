using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Amp.Generators.Analysis;
using Amp.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amp.Generators;

/// <summary>
/// Reports, while compiling, every command, record and responder declaration that the reflection path
/// would refuse with an <c>AmpDefinitionException</c> at run time (AMP001 to AMP031), and MessagePack arguments in a project without Amp.MessagePack (AMP032).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AmpDefinitionAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        AmpDiagnostics.NotACommand, AmpDiagnostics.CommandTwice, AmpDiagnostics.SwitchAndCall, AmpDiagnostics.CommandNameLength,
        AmpDiagnostics.ErrorCodeTwice, AmpDiagnostics.ErrorCodeLength, AmpDiagnostics.ErrorNotException, AmpDiagnostics.ErrorNoConstructor,
        AmpDiagnostics.RecordNoConstructor, AmpDiagnostics.DuplicateName, AmpDiagnostics.TooManyFields, AmpDiagnostics.EmptyName,
        AmpDiagnostics.NameTooLong, AmpDiagnostics.ReservedName, AmpDiagnostics.BigNameTooLong, AmpDiagnostics.ChunkKeyClash,
        AmpDiagnostics.AccessorsNotPublic, AmpDiagnostics.UnsupportedType, AmpDiagnostics.ExplicitTypeMismatch, AmpDiagnostics.ExplicitTypeNoConstructor,
        AmpDiagnostics.MaxDigitsNegative, AmpDiagnostics.MaxDigitsMisplaced, AmpDiagnostics.MaxBytesNegative, AmpDiagnostics.MaxBytesMisplaced,
        AmpDiagnostics.BigValueType, AmpDiagnostics.OptionalValueType, AmpDiagnostics.StreamOptions, AmpDiagnostics.ResponderNoCommand,
        AmpDiagnostics.ResponderNotCommand, AmpDiagnostics.ResponderParameter, AmpDiagnostics.ResponderReturn,
        AmpDiagnostics.MessagePackWithoutPackage);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.From(start.Compilation) is not { } known)
            {
                return;
            }

            // Records without fields of their own (a response, an AmpList element) are checked from the commands that
            // use them, once each.
            var fieldless = new System.Collections.Concurrent.ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, known, fieldless), SymbolKind.NamedType);
            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, known), SymbolKind.Method);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownTypes known, System.Collections.Concurrent.ConcurrentDictionary<ISymbol, bool> fieldless)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var problems = new List<Problem>();
        var resolver = new WireTypeResolver(known);
        AttributeData? command = type.GetAttributes().FirstOrDefault(a => KnownTypes.Same(a.AttributeClass, known.CommandAttribute));
        bool isRecord;
        if (command is not null || CommandInspector.IsUnattributedCommand(type, known))
        {
            var (_, _, response, _) = CommandInspector.InspectDeclaration(type, command, known, problems);
            isRecord = type.TypeKind == TypeKind.Class;
            if (response is INamedTypeSymbol named)
            {
                resolver.NestedRecords.Add(named);
            }
        }
        else
        {
            isRecord = type.TypeKind == TypeKind.Class && HasFields(type, known);
        }

        if (isRecord)
        {
            RecordInspector.Inspect(type, known, resolver, problems);
        }

        foreach (INamedTypeSymbol nested in resolver.NestedRecords)
        {
            if (SymbolEqualityComparer.Default.Equals(nested.ContainingAssembly, context.Compilation.Assembly) && !SymbolEqualityComparer.Default.Equals(nested, type)
                && !HasFields(nested, known) && fieldless.TryAdd(nested, true))
            {
                RecordInspector.Inspect(nested, known, new WireTypeResolver(known), problems);
            }
        }

        Report(context, problems);
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownTypes known)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (!ResponderInspector.IsResponder(method, known))
        {
            return;
        }

        var problems = new List<Problem>();
        ResponderInspector.Inspect(method, known, problems);
        Report(context, problems);
    }

    private static bool HasFields(INamedTypeSymbol type, KnownTypes known) =>
        RecordInspector.PublicProperties(type).Any(p => RecordInspector.FindArgumentAttribute(p, known) is not null);

    private static void Report(SymbolAnalysisContext context, List<Problem> problems)
    {
        foreach (Problem problem in problems)
        {
            context.ReportDiagnostic(problem.ToDiagnostic());
        }
    }
}
