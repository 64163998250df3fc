using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;

namespace Amp.Tests.Packaging;

/// <summary>
/// The repository's packages, made once per test run by <c>dotnet pack Amp.sln --no-build</c> (what the tests were
/// built from) into a temporary folder, which then serves as a local NuGet feed.
/// </summary>
internal sealed class PackedFeed
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PackedFeed? _packed;

    private PackedFeed(string root, string version)
    {
        Root = root;
        Version = version;
    }

    /// <summary>A temporary folder of this test run; <see cref="Folder"/> and the scratch app are in it.</summary>
    public string Root { get; }

    /// <summary>The feed: the .nupkg and .snupkg files.</summary>
    public string Folder => Path.Combine(Root, "feed");

    /// <summary>The version the packages should have: the one VersionPrefix of Directory.Build.props.</summary>
    public string Version { get; }

    public static string ExpectedVersion =>
        XDocument.Load(Path.Combine(DotnetCli.RepositoryRoot, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    /// <summary>Amp.Core's informational version (as built for these tests) without the commit SourceLink appends after '+'.</summary>
    public static string AssemblyVersion =>
        typeof(AmpConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    /// <summary>Packs the repository once (later calls return the same feed); a cancelled pack is not kept.</summary>
    public static async Task<PackedFeed> GetAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return _packed ??= await PackAsync(cancellationToken);
        }
        finally
        {
            Gate.Release();
        }
    }

    public static void Delete()
    {
        if (_packed is { } packed && Directory.Exists(packed.Root))
        {
            Directory.Delete(packed.Root, recursive: true);
        }

        _packed = null;
    }

    private static async Task<PackedFeed> PackAsync(CancellationToken cancellationToken)
    {
        string root = Directory.CreateTempSubdirectory("amp-packages-").FullName;
        var feed = new PackedFeed(root, ExpectedVersion);
        (int exitCode, string output) = await DotnetCli.RunAsync(
            DotnetCli.RepositoryRoot, null, cancellationToken,
            "pack", "Amp.sln", "-c", DotnetCli.Configuration, "--no-build", "-o", feed.Folder);
        Assert.That(exitCode, Is.Zero, $"dotnet pack failed:\n{output}");
        return feed;
    }

    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(Folder, $"{id}.{Version}.{extension}");

    /// <summary>The file names in the package (zip entries).</summary>
    public IReadOnlyList<string> Entries(string id, string extension = "nupkg")
    {
        using ZipArchive zip = ZipFile.OpenRead(PackagePath(id, extension));
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    /// <summary>The package's <c>ID.nuspec</c>.</summary>
    public XElement Nuspec(string id) => XDocument.Parse(Read(id, id + ".nuspec")).Root!;

    public string Read(string id, string entry, string extension = "nupkg")
    {
        using ZipArchive zip = ZipFile.OpenRead(PackagePath(id, extension));
        using var reader = new StreamReader(zip.GetEntry(entry)?.Open() ?? throw new AssertionException($"{id}.{extension} has no {entry}"));
        return reader.ReadToEnd();
    }

    public byte[] ReadBytes(string id, string entry, string extension = "nupkg")
    {
        using ZipArchive zip = ZipFile.OpenRead(PackagePath(id, extension));
        using Stream stream = zip.GetEntry(entry)?.Open() ?? throw new AssertionException($"{id}.{extension} has no {entry}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
