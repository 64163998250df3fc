using Amp.Generators.Diagnostics;
using Amp.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>Binds one <c>[AmpArgument]</c> property as the reflection path's FieldFactory does, in the same order of checks.</summary>
internal sealed class FieldInspector
{
    private readonly KnownTypes _known;
    private readonly WireTypeResolver _resolver;

    public FieldInspector(KnownTypes known, WireTypeResolver resolver)
    {
        _known = known;
        _resolver = resolver;
    }

    public FieldModel? Inspect(FieldSite site, ArgumentDeclaration declaration)
    {
        IPropertySymbol property = site.Property;
        if (property.GetMethod is not { DeclaredAccessibility: Accessibility.Public } || property.SetMethod is not { DeclaredAccessibility: Accessibility.Public })
        {
            return Fail(site, AmpDiagnostics.AccessorsNotPublic);
        }

        ITypeSymbol type = property.Type;
        if (IsStream(type))
        {
            return InspectStream(site, declaration, type);
        }

        bool isNullableValue = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T };
        bool optional;
        if (isNullableValue)
        {
            optional = true;
        }
        else if (!type.IsValueType)
        {
            optional = declaration.Optional || property.NullableAnnotation == NullableAnnotation.Annotated;
        }
        else if (declaration.Optional)
        {
            return Fail(site, AmpDiagnostics.OptionalValueType, type.ToDisplayString());
        }
        else
        {
            optional = false;
        }

        if (KnownTypes.Same(declaration.Type, _known.BigString) || KnownTypes.Same(declaration.Type, _known.BigUnicode))
        {
            return InspectBig(site, declaration, type, optional);
        }

        if (declaration.MaxBytes != 0)
        {
            return Fail(site, AmpDiagnostics.MaxBytesMisplaced);
        }

        ITypeSymbol valueType = isNullableValue ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        string? argument = _resolver.Resolve(site, valueType, declaration.Type, declaration.MaxDigits);
        if (argument is null)
        {
            return null;
        }

        return Model(site, declaration, isNullableValue ? FieldKind.NullableValue : FieldKind.Value, valueType, optional, argument);
    }

    private FieldModel? InspectBig(FieldSite site, ArgumentDeclaration declaration, ITypeSymbol type, bool optional)
    {
        FieldKind? kind;
        if (KnownTypes.Same(declaration.Type, _known.BigUnicode))
        {
            kind = type.SpecialType == SpecialType.System_String ? FieldKind.BigText : null;
        }
        else
        {
            kind = type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte } ? FieldKind.BigBytes
                : IsMemory(type) ? FieldKind.BigMemory
                : type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable && IsMemory(nullable.TypeArguments[0]) ? FieldKind.BigNullableMemory
                : null;
        }

        if (kind is null)
        {
            return Fail(site, AmpDiagnostics.BigValueType, KnownTypes.Same(declaration.Type, _known.BigUnicode)
                ? $"BigUnicodeArgument carries a string, not {type.ToDisplayString()}"
                : $"BigStringArgument carries byte[] or ReadOnlyMemory<byte>, not {type.ToDisplayString()}");
        }

        if (declaration.MaxDigits != 0)
        {
            return Fail(site, AmpDiagnostics.MaxDigitsMisplaced, "MaxDigits does not apply to big values; MaxBytes limits them");
        }

        if (declaration.MaxBytes < 0)
        {
            return Fail(site, AmpDiagnostics.MaxBytesNegative, declaration.MaxBytes);
        }

        return Model(site, declaration, kind.Value, type, optional, "");
    }

    private FieldModel? InspectStream(FieldSite site, ArgumentDeclaration declaration, ITypeSymbol type)
    {
        if (declaration.Type is not null || declaration.MaxDigits != 0 || declaration.MaxBytes != 0)
        {
            return Fail(site, AmpDiagnostics.StreamOptions);
        }

        bool optional = declaration.Optional || site.Property.NullableAnnotation == NullableAnnotation.Annotated;
        if (KnownTypes.IsConstructedFrom(type, _known.AsyncEnumerable))
        {
            ITypeSymbol item = ((INamedTypeSymbol)type).TypeArguments[0];
            string? itemType = _resolver.ResolveItem(site, item);
            return itemType is null ? null : Model(site, declaration, FieldKind.StreamItems, item, optional, itemType);
        }

        return Model(site, declaration, FieldKind.Stream, type, optional, "");
    }

    private bool IsStream(ITypeSymbol type) =>
        KnownTypes.Same(type, _known.Stream) || KnownTypes.Same(type, _known.PipeReader) || KnownTypes.IsConstructedFrom(type, _known.AsyncEnumerable);

    private bool IsMemory(ITypeSymbol type) =>
        KnownTypes.IsConstructedFrom(type, _known.ReadOnlyMemory) && ((INamedTypeSymbol)type).TypeArguments[0].SpecialType == SpecialType.System_Byte;

    private static FieldModel Model(FieldSite site, ArgumentDeclaration declaration, FieldKind kind, ITypeSymbol valueType, bool optional, string argument)
    {
        IPropertySymbol property = site.Property;
        IMethodSymbol setter = property.SetMethod!;
        return new FieldModel(
            kind,
            declaration.Name,
            property.Name,
            Identifier(property.Name),
            WireTypeResolver.Name(valueType),
            WireTypeResolver.Name(property.ContainingType),
            optional,
            declaration.MaxBytes,
            argument,
            setter.IsInitOnly ? setter.MetadataName : null);
    }

    private static string Identifier(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;

    private static FieldModel? Fail(FieldSite site, DiagnosticDescriptor descriptor, params object?[] arguments)
    {
        site.Fail(descriptor, arguments);
        return null;
    }
}
