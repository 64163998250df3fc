using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>The property being inspected, and where its problems go (each names the type and the member first).</summary>
internal sealed class FieldSite
{
    private readonly List<Problem> _problems;

    public FieldSite(ITypeSymbol owner, IPropertySymbol property, List<Problem> problems)
    {
        Owner = owner;
        Property = property;
        _problems = problems;
    }

    public ITypeSymbol Owner { get; }

    public IPropertySymbol Property { get; }

    /// <summary>The property's declaration in this compilation, else the type's.</summary>
    public Location? Location =>
        Property.Locations.Length > 0 && Property.Locations[0].IsInSource ? Property.Locations[0]
        : Owner.Locations.Length > 0 ? Owner.Locations[0] : null;

    /// <summary>Adds a problem and returns <see langword="null"/>, for <c>return site.Fail(...)</c>.</summary>
    public string? Fail(DiagnosticDescriptor descriptor, params object?[] arguments)
    {
        var all = new object?[arguments.Length + 2];
        all[0] = Owner.ToDisplayString();
        all[1] = Property.Name;
        arguments.CopyTo(all, 2);
        _problems.Add(new Problem(descriptor, Location, all));
        return null;
    }
}
