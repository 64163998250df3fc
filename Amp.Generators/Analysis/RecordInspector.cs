using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Amp.Generators.Diagnostics;
using Amp.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>
/// Reads a record's <c>[AmpArgument]</c> properties as the reflection path's RecordDescriptor does: names
/// checked, fields bound, limits and chunk keys checked. The model is <see langword="null"/> when there are problems.
/// </summary>
internal static class RecordInspector
{
    private const int MaxFields = 64;
    private const int MaxKeyLength = 255;
    private const int MaxBigNameLength = 249;

    private static readonly string[] s_reserved = { "_ask", "_answer", "_command", "_error", "_error_code", "_error_description" };

    public static AttributeData? FindArgumentAttribute(IPropertySymbol property, KnownTypes known)
    {
        for (IPropertySymbol? p = property; p is not null; p = p.OverriddenProperty)
        {
            foreach (AttributeData attribute in p.GetAttributes())
            {
                if (KnownTypes.Same(attribute.AttributeClass, known.ArgumentAttribute))
                {
                    return attribute;
                }
            }
        }

        return null;
    }

    /// <summary>The public instance properties a reflection lookup sees, most derived first, one per name.</summary>
    public static List<IPropertySymbol> PublicProperties(ITypeSymbol type)
    {
        var result = new List<IPropertySymbol>();
        var names = new HashSet<string>();
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            foreach (ISymbol member in t.GetMembers())
            {
                if (member is IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public } property && names.Add(property.Name))
                {
                    result.Add(property);
                }
            }
        }

        return result;
    }

    public static RecordModel? Inspect(INamedTypeSymbol type, KnownTypes known, WireTypeResolver resolver, List<Problem> problems)
    {
        int before = problems.Count;
        Location? typeLocation = type.Locations.FirstOrDefault();
        if (type.IsAbstract || !WireTypeResolver.HasPublicParameterlessConstructor(type))
        {
            problems.Add(new Problem(AmpDiagnostics.RecordNoConstructor, typeLocation, type.ToDisplayString()));
            return null;
        }

        var fields = new List<FieldModel>();
        var sites = new List<FieldSite>();
        var names = new HashSet<string>();
        var inspector = new FieldInspector(known, resolver);
        foreach (IPropertySymbol property in PublicProperties(type))
        {
            if (FindArgumentAttribute(property, known) is not { } attribute)
            {
                continue;
            }

            var site = new FieldSite(type, property, problems);
            var declaration = ArgumentDeclaration.Read(attribute);
            if (!CheckName(site, declaration.Name))
            {
                continue;
            }

            if (!names.Add(declaration.Name))
            {
                site.Fail(AmpDiagnostics.DuplicateName, declaration.Name);
                continue;
            }

            if (inspector.Inspect(site, declaration) is { } field)
            {
                fields.Add(field);
                sites.Add(site);
            }
        }

        if (fields.Count > MaxFields)
        {
            problems.Add(new Problem(AmpDiagnostics.TooManyFields, typeLocation, type.ToDisplayString(), fields.Count));
        }

        CheckChunkKeys(fields, sites);
        if (problems.Count > before)
        {
            return null;
        }

        return new RecordModel(WireTypeResolver.Name(type), HasRequiredMembers(type), new EquatableArray<FieldModel>(fields.ToImmutableArray()));
    }

    /// <summary>Whether <c>new T()</c> would have to set required members (its own or inherited): the generated factory then calls the constructor directly, as reflection does.</summary>
    private static bool HasRequiredMembers(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }))
            {
                return true;
            }
        }

        return false;
    }

    private static bool CheckName(FieldSite site, string name)
    {
        if (name.Length == 0)
        {
            site.Fail(AmpDiagnostics.EmptyName);
            return false;
        }

        int length = Encoding.UTF8.GetByteCount(name);
        if (length > MaxKeyLength)
        {
            site.Fail(AmpDiagnostics.NameTooLong, length);
            return false;
        }

        if (System.Array.IndexOf(s_reserved, name) >= 0)
        {
            site.Fail(AmpDiagnostics.ReservedName, name);
            return false;
        }

        return true;
    }

    private static void CheckChunkKeys(List<FieldModel> fields, List<FieldSite> sites)
    {
        for (int b = 0; b < fields.Count; b++)
        {
            FieldModel big = fields[b];
            if (big.Kind is not (FieldKind.BigBytes or FieldKind.BigMemory or FieldKind.BigNullableMemory or FieldKind.BigText))
            {
                continue;
            }

            int length = Encoding.UTF8.GetByteCount(big.WireName);
            if (length > MaxBigNameLength)
            {
                sites[b].Fail(AmpDiagnostics.BigNameTooLong, length);
                continue;
            }

            for (int o = 0; o < fields.Count; o++)
            {
                if (IsChunkKey(fields[o].WireName, big.WireName))
                {
                    sites[o].Fail(AmpDiagnostics.ChunkKeyClash, fields[o].WireName, big.WireName);
                }
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> is <c>name.n</c> for an n the recipe looks up (2 or more, no leading zero, at most 9 digits).</summary>
    public static bool IsChunkKey(string key, string name)
    {
        byte[] k = Encoding.UTF8.GetBytes(key);
        byte[] n = Encoding.UTF8.GetBytes(name);
        int digits = k.Length - n.Length - 1;
        if (digits < 1 || digits > 9 || k[n.Length] != (byte)'.')
        {
            return false;
        }

        for (int i = 0; i < n.Length; i++)
        {
            if (k[i] != n[i])
            {
                return false;
            }
        }

        if (k[n.Length + 1] == (byte)'0')
        {
            return false;
        }

        long index = 0;
        for (int i = n.Length + 1; i < k.Length; i++)
        {
            int digit = k[i] - '0';
            if (digit < 0 || digit > 9)
            {
                return false;
            }

            index = (index * 10) + digit;
        }

        return index >= 2;
    }
}
