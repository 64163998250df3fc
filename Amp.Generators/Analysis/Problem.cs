using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>A declaration mistake found while inspecting a type, reported by the analyzer (the generator skips the type).</summary>
internal sealed class Problem
{
    public Problem(DiagnosticDescriptor descriptor, Location? location, params object?[] arguments)
    {
        Descriptor = descriptor;
        Location = location;
        Arguments = arguments;
    }

    public DiagnosticDescriptor Descriptor { get; }

    public Location? Location { get; }

    public object?[] Arguments { get; }

    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Location, Arguments);
}
