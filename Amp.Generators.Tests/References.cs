using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Amp.Generators.Tests;

/// <summary>
/// What test sources compile against: the .NET reference assemblies of the SDK running the tests (no
/// download) and Amp.Core, as a project that references Amp.Core sees them.
/// </summary>
internal static class References
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_all = new(Load);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_withMessagePack = new(() => All.AddRange(
        MetadataReference.CreateFromFile(typeof(Amp.MessagePack.MessagePackArgument<>).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(global::MessagePack.MessagePackSerializer).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(global::MessagePack.MessagePackObjectAttribute).Assembly.Location)));

    public static ImmutableArray<MetadataReference> All => s_all.Value;

    /// <summary><see cref="All"/> and Amp.MessagePack with the MessagePack assemblies it exposes, as a project that references Amp.MessagePack sees them.</summary>
    public static ImmutableArray<MetadataReference> WithMessagePack => s_withMessagePack.Value;

    /// <summary>An empty set for the testing package: <see cref="All"/> goes in as additional references instead.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    private static ImmutableArray<MetadataReference> Load()
    {
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (string path in FrameworkAssemblies())
        {
            references.Add(MetadataReference.CreateFromFile(path));
        }

        references.Add(MetadataReference.CreateFromFile(typeof(Amp.AmpConnection).Assembly.Location));
        return references.ToImmutable();
    }

    /// <summary>The reference pack of the running runtime's major version if the SDK has it, else the runtime's own assemblies.</summary>
    private static IEnumerable<string> FrameworkAssemblies()
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        string packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        string? pack = Directory.Exists(packs)
            ? Directory.GetDirectories(packs).Where(d => Path.GetFileName(d).StartsWith($"{Environment.Version.Major}.", StringComparison.Ordinal))
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out Version? v) ? v : new Version(0, 0)).FirstOrDefault()
            : null;
        string directory = pack is not null && Directory.Exists(Path.Combine(pack, "ref", $"net{Environment.Version.Major}.0"))
            ? Path.Combine(pack, "ref", $"net{Environment.Version.Major}.0")
            : runtime;
        return Directory.GetFiles(directory, "*.dll").Where(IsManaged);
    }

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
