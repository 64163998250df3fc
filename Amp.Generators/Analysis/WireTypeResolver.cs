using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>
/// Picks a property's wire type as the reflection path's ArgumentTypeResolver does, and writes it as a C#
/// expression of an <c>AmpArgumentType&lt;T&gt;</c>; reports what the resolver would throw.
/// </summary>
internal sealed class WireTypeResolver
{
    private const string Arguments = "global::Amp.Arguments.";
    private const string Fields = "global::Amp.Generated.AmpGeneratedFields.";

    private readonly KnownTypes _known;

    public WireTypeResolver(KnownTypes known)
    {
        _known = known;
    }

    /// <summary>The record types met as AmpList elements and stream items, to register too.</summary>
    public List<INamedTypeSymbol> NestedRecords { get; } = new();

    public static string Name(ITypeSymbol type) =>
        type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    /// <summary>The expression, or <see langword="null"/> after adding a problem.</summary>
    public string? Resolve(FieldSite site, ITypeSymbol valueType, ITypeSymbol? explicitType, int maxDigits)
    {
        if (maxDigits < 0)
        {
            return site.Fail(Diagnostics.AmpDiagnostics.MaxDigitsNegative, maxDigits);
        }

        if (explicitType is not null)
        {
            if (explicitType.TypeKind == TypeKind.Error && explicitType.Name == "MessagePackArgument")
            {
                return site.Fail(Diagnostics.AmpDiagnostics.MessagePackWithoutPackage, _known.MessagePackArgument is null
                    ? "MessagePackArgument<T> is in the Amp.MessagePack package, which this project does not reference: reference it and add 'using Amp.MessagePack;'"
                    : "MessagePackArgument<T> is not in scope: add 'using Amp.MessagePack;' (it moved there from Amp.Arguments)");
            }

            if (maxDigits != 0)
            {
                return site.Fail(Diagnostics.AmpDiagnostics.MaxDigitsMisplaced, "MaxDigits cannot be combined with Type; set the limit in the named argument type");
            }

            return ResolveExplicit(site, valueType, explicitType);
        }

        if (Scalar(valueType, out bool digitLimited) is { } scalar)
        {
            return maxDigits == 0 ? scalar : WithMaxDigits(site, valueType, scalar, digitLimited, maxDigits);
        }

        if (ElementType(valueType) is { } element)
        {
            string? list = ResolveList(site, element, maxDigits);
            if (list is null)
            {
                return null;
            }

            return KnownTypes.IsConstructedFrom(valueType, _known.ReadOnlyList)
                ? list
                : $"{Fields}Collection<{Name(valueType)}, {Name(element)}>({list})";
        }

        if (_known.MessagePackArgument is null && IsMessagePackObject(valueType))
        {
            return site.Fail(Diagnostics.AmpDiagnostics.MessagePackWithoutPackage,
                $"{valueType.ToDisplayString()} is a [MessagePackObject] without an AMP wire type: reference the Amp.MessagePack package and name Type = typeof(MessagePackArgument<{valueType.ToDisplayString()}>)");
        }

        return site.Fail(Diagnostics.AmpDiagnostics.UnsupportedType, $"type {valueType.ToDisplayString()}");
    }

    /// <summary>The wire type of a stream's items: a record as one AmpList element, else a value type.</summary>
    public string? ResolveItem(FieldSite site, ITypeSymbol item)
    {
        if (IsRecord(item))
        {
            NestedRecords.Add((INamedTypeSymbol)item);
            return $"{Fields}RecordItem<{Name(item)}>()";
        }

        return Resolve(site, item, null, 0);
    }

    /// <summary>Whether a stream's item type is a record (a class with AMP fields), as FieldFactory.IsRecord decides.</summary>
    public bool IsRecord(ITypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.SpecialType == SpecialType.System_String || KnownTypes.Same(type, _known.FileInfo))
        {
            return false;
        }

        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            foreach (ISymbol member in t.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public } property && RecordInspector.FindArgumentAttribute(property, _known) is not null)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private string? ResolveList(FieldSite site, ITypeSymbol element, int maxDigits)
    {
        if (Scalar(element, out bool digitLimited) is { } scalar)
        {
            string? elementType = maxDigits == 0 ? scalar : WithMaxDigits(site, element, scalar, digitLimited, maxDigits);
            return elementType is null ? null : $"new {Arguments}ListOfArgument<{Name(element)}>({elementType})";
        }

        if (maxDigits != 0)
        {
            return site.Fail(Diagnostics.AmpDiagnostics.MaxDigitsMisplaced, $"MaxDigits applies to BigInteger, AmpDecimal and decimal properties and lists of them, not to {element.ToDisplayString()}");
        }

        if (element.TypeKind == TypeKind.Class && element.SpecialType != SpecialType.System_String)
        {
            if (element is INamedTypeSymbol named)
            {
                NestedRecords.Add(named);
            }

            return $"new {Arguments}AmpListArgument<{Name(element)}>()";
        }

        return site.Fail(Diagnostics.AmpDiagnostics.UnsupportedType, $"list element type {element.ToDisplayString()}");
    }

    private static string? WithMaxDigits(FieldSite site, ITypeSymbol type, string scalar, bool digitLimited, int maxDigits) =>
        digitLimited
            ? $"{Fields}WithMaxDigits({scalar}, {maxDigits})"
            : site.Fail(Diagnostics.AmpDiagnostics.MaxDigitsMisplaced, $"MaxDigits applies to BigInteger, AmpDecimal and decimal properties and lists of them, not to {type.ToDisplayString()}");

    private string? ResolveExplicit(FieldSite site, ITypeSymbol valueType, ITypeSymbol explicitType)
    {
        bool carries = false;
        for (INamedTypeSymbol? t = explicitType as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (KnownTypes.IsConstructedFrom(t, _known.ArgumentType) && SymbolEqualityComparer.Default.Equals(
                t.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated), valueType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)))
            {
                carries = true;
                break;
            }
        }

        if (!carries)
        {
            return site.Fail(Diagnostics.AmpDiagnostics.ExplicitTypeMismatch, explicitType.ToDisplayString(), valueType.Name);
        }

        if (explicitType.IsAbstract || explicitType is not INamedTypeSymbol named || !HasPublicParameterlessConstructor(named))
        {
            return site.Fail(Diagnostics.AmpDiagnostics.ExplicitTypeNoConstructor, explicitType.ToDisplayString());
        }

        return $"new {Name(explicitType)}()";
    }

    private bool IsMessagePackObject(ITypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (KnownTypes.Same(attribute.AttributeClass, _known.MessagePackObject))
            {
                return true;
            }
        }

        return false;
    }

    public static bool HasPublicParameterlessConstructor(INamedTypeSymbol type)
    {
        foreach (IMethodSymbol constructor in type.InstanceConstructors)
        {
            if (constructor.Parameters.Length == 0 && constructor.DeclaredAccessibility == Accessibility.Public)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The element type of a list property (arrays but byte[], List, IReadOnlyList, IList, IEnumerable, IReadOnlyCollection).</summary>
    private ITypeSymbol? ElementType(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array && array.ElementType.SpecialType != SpecialType.System_Byte)
        {
            return array.ElementType;
        }

        if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named)
        {
            INamedTypeSymbol definition = named.OriginalDefinition;
            if (KnownTypes.Same(definition, _known.List) || KnownTypes.Same(definition, _known.ReadOnlyList) || KnownTypes.Same(definition, _known.IList)
                || definition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T || KnownTypes.Same(definition, _known.ReadOnlyCollection))
            {
                return named.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>The built-in wire type of a scalar, or <see langword="null"/>.</summary>
    private string? Scalar(ITypeSymbol type, out bool digitLimited)
    {
        digitLimited = false;
        string? name = type.SpecialType switch
        {
            SpecialType.System_Int32 => "Int32Argument",
            SpecialType.System_Int64 => "Int64Argument",
            SpecialType.System_UInt64 => "UInt64Argument",
            SpecialType.System_String => "UnicodeArgument",
            SpecialType.System_Boolean => "BooleanArgument",
            SpecialType.System_Double => "DoubleArgument",
            SpecialType.System_Single => "SingleArgument",
            SpecialType.System_Decimal => "SystemDecimalArgument",
            _ => null,
        };
        if (name is null)
        {
            if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
            {
                name = "BytesArgument";
            }
            else if (type is INamedTypeSymbol named && KnownTypes.IsConstructedFrom(named, _known.ReadOnlyMemory) && named.TypeArguments[0].SpecialType == SpecialType.System_Byte)
            {
                name = "ReadOnlyMemoryArgument";
            }
            else
            {
                name = KnownTypes.Same(type, _known.BigInteger) ? "BigIntegerArgument"
                    : KnownTypes.Same(type, _known.AmpDecimal) ? "DecimalArgument"
                    : KnownTypes.Same(type, _known.DateTimeOffset) ? "DateTimeArgument"
                    : KnownTypes.Same(type, _known.AmpDateTime) ? "AmpDateTimeArgument"
                    : KnownTypes.Same(type, _known.FileInfo) ? "FileInfoArgument"
                    : null;
            }
        }

        digitLimited = name is "BigIntegerArgument" or "DecimalArgument" or "SystemDecimalArgument";
        return name is null ? null : $"{Arguments}{name}.Instance";
    }
}
