using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Amp.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> of the repository gives the libraries and the amp tool only, with their metadata, symbols
/// and SourceLink (docs/packages.md); and a new console app restores Amp.Core from those packages, gets the source
/// generator with it, and makes a call. Slow (pack, restore, build): run alone, with a hang guard only.
/// </summary>
[NonParallelizable]
[CancelAfter(900000)]
public sealed class PackageTests
{
    private const string RepositoryUrl = "https://github.com/amp-net/amp-net";

    /// <summary>Each package and the Amp packages it depends on.</summary>
    private static readonly Dictionary<string, string[]> AmpDependencies = new()
    {
        ["Amp.Core"] = [],
        ["Amp.Tls"] = ["Amp.Core"],
        ["Amp.Compression"] = ["Amp.Core"],
        ["Amp.MessagePack"] = ["Amp.Core"],
        ["Amp.Hosting"] = ["Amp.Core", "Amp.Tls"],
        ["Amp.Negotiation"] = ["Amp.Core", "Amp.Tls"],
        ["Amp.AspNetCore"] = ["Amp.Core", "Amp.Hosting", "Amp.Negotiation", "Amp.Tls"],
        ["Amp.Tool"] = [],
    };

    [OneTimeTearDown]
    public void DeleteFeed() => PackedFeed.Delete();

    [Test]
    public async Task PackingGivesTheLibrariesAndTheToolWithTheirSymbolsAndNothingElse(CancellationToken cancellationToken)
    {
        PackedFeed feed = await PackedFeed.GetAsync(cancellationToken);

        string[] expected = AmpDependencies.Keys.SelectMany(id => new[] { $"{id}.{feed.Version}.nupkg", $"{id}.{feed.Version}.snupkg" }).Order(StringComparer.Ordinal).ToArray();
        string[] packed = Directory.GetFiles(feed.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.That(packed, Is.EqualTo(expected), "no samples, tests, benchmarks, fuzzing host or a separate generator package");
        Assert.That(feed.Version, Is.Not.EqualTo("1.0.0"), "the version of Directory.Build.props, not the SDK's default");
        Assert.That(PackedFeed.AssemblyVersion, Is.EqualTo(feed.Version), "the assemblies carry the packages' version");
    }

    [Test]
    public async Task EveryPackageHasItsVersionLicenseRepositoryReadmeAndDescription(CancellationToken cancellationToken)
    {
        PackedFeed feed = await PackedFeed.GetAsync(cancellationToken);

        foreach (string id in AmpDependencies.Keys)
        {
            XElement metadata = Child(feed.Nuspec(id), "metadata");
            Assert.Multiple(() =>
            {
                Assert.That(Child(metadata, "id").Value, Is.EqualTo(id));
                Assert.That(Child(metadata, "version").Value, Is.EqualTo(feed.Version), id);
                Assert.That(Child(metadata, "authors").Value, Is.EqualTo("Amp.NET contributors"), id);
                Assert.That(Child(metadata, "license").Value, Is.EqualTo("MIT"), id);
                Assert.That(Child(metadata, "license").Attribute("type")?.Value, Is.EqualTo("expression"), id);
                Assert.That(Child(metadata, "projectUrl").Value, Is.EqualTo(RepositoryUrl), id);
                Assert.That(Child(metadata, "repository").Attribute("url")?.Value, Is.EqualTo(RepositoryUrl), id);
                Assert.That(Child(metadata, "repository").Attribute("type")?.Value, Is.EqualTo("git"), id);
                Assert.That(Child(metadata, "repository").Attribute("commit")?.Value, Does.Match("^[0-9a-f]{40}$"), $"{id}: the commit, from SourceLink");
                Assert.That(Child(metadata, "description").Value, Does.Contain("AMP").Or.Contain("Amp.NET"), id);
                Assert.That(Child(metadata, "tags").Value.Split(' '), Does.Contain("amp"), id);
                Assert.That(Child(metadata, "readme").Value, Is.EqualTo("PACKAGE.md"), id);
                Assert.That(feed.Read(id, "PACKAGE.md"), Does.Contain("## About"), $"{id}: the readme is inside the package");
            });
        }
    }

    [Test]
    public async Task AmpCoreCarriesTheSourceGeneratorAndItsBuildTargets(CancellationToken cancellationToken)
    {
        PackedFeed feed = await PackedFeed.GetAsync(cancellationToken);

        Assert.That(feed.Entries("Amp.Core"), Is.SupersetOf(new[]
        {
            "lib/net10.0/Amp.Core.dll", "lib/net10.0/Amp.Core.xml", "analyzers/dotnet/cs/Amp.Generators.dll",
            "build/Amp.Core.targets", "buildTransitive/Amp.Core.targets",
        }));
        Assert.That(feed.Entries("Amp.Tool"), Does.Contain("tools/net10.0/any/amp.dll"));
        XElement toolType = Child(Child(Child(feed.Nuspec("Amp.Tool"), "metadata"), "packageTypes"), "packageType");
        Assert.That(toolType.Attribute("name")?.Value, Is.EqualTo("DotnetTool"), "Amp.Tool installs with dotnet tool install");
    }

    [Test]
    public async Task DependenciesAreTheOtherAmpPackagesAtTheSameVersionAndTheirNuGetPackagesOnly(CancellationToken cancellationToken)
    {
        PackedFeed feed = await PackedFeed.GetAsync(cancellationToken);
        Dictionary<string, string> centralVersions = XDocument.Load(Path.Combine(DotnetCli.RepositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion").ToDictionary(e => e.Attribute("Include")!.Value, e => e.Attribute("Version")!.Value);
        string[] buildOnly = ["Microsoft.CodeAnalysis", "NUnit", "Microsoft.NET.Test.Sdk", "BenchmarkDotNet", "OpenTelemetry", "Yarp", "SharpFuzz", "System.CommandLine", "StreamJsonRpc"];

        foreach ((string id, string[] ampDependencies) in AmpDependencies)
        {
            List<XElement> dependencies = feed.Nuspec(id).Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
            var amp = dependencies.Where(d => d.Attribute("id")!.Value.StartsWith("Amp.", StringComparison.Ordinal)).ToList();
            var others = dependencies.Except(amp).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(amp.Select(d => d.Attribute("id")!.Value).Order(StringComparer.Ordinal), Is.EqualTo(ampDependencies), id);
                foreach (XElement dependency in amp)
                {
                    Assert.That(dependency.Attribute("version")?.Value, Is.EqualTo(feed.Version), $"{id} -> {dependency}");
                    // Nothing excluded: Amp.Core's analyzer (the generator) and build targets reach whoever references Amp.Tls alone.
                    Assert.That(dependency.Attribute("exclude"), Is.Null, $"{id} -> {dependency}");
                }

                foreach (XElement dependency in others)
                {
                    string name = dependency.Attribute("id")!.Value;
                    Assert.That(buildOnly.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)), Is.False, $"{id} depends on {name}, which only the repository's tools, tests or samples use");
                    Assert.That(centralVersions.GetValueOrDefault(name), Is.EqualTo(dependency.Attribute("version")?.Value), $"{id} -> {name}: the version of Directory.Packages.props");
                }
            });
        }

        Assert.That(feed.Nuspec("Amp.Core").Descendants().Where(e => e.Name.LocalName == "dependency").Select(d => d.Attribute("id")!.Value), Does.Contain("Microsoft.Extensions.Logging.Abstractions"));
    }

    [Test]
    public async Task TheSymbolPackagesHoldPdbsWithSourceLinkAndEmbeddedGeneratedSources(CancellationToken cancellationToken)
    {
        PackedFeed feed = await PackedFeed.GetAsync(cancellationToken);
        var sourceLink = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

        foreach (string id in AmpDependencies.Keys.Where(id => id != "Amp.Tool"))
        {
            byte[] pdb = feed.ReadBytes(id, $"lib/net10.0/{id}.pdb", "snupkg");
            using var provider = MetadataReaderProvider.FromPortablePdbImage(ImmutableArray.Create(pdb));
            MetadataReader reader = provider.GetMetadataReader();
            List<CustomDebugInformation> information = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation).ToList();

            string json = Encoding.UTF8.GetString(reader.GetBlobBytes(information.Single(i => reader.GetGuid(i.Kind) == sourceLink).Value));
            Assert.That(json, Does.Match(@"""https://raw\.githubusercontent\.com/[^""]+/[0-9a-f]{40}/\*"""), $"{id}: SourceLink maps the sources to the commit");
            Assert.That(information.Count(i => reader.GetGuid(i.Kind) == embeddedSource), Is.GreaterThan(0), $"{id}: untracked (generated) sources are embedded");
            Assert.That(feed.Entries(id), Has.None.EndsWith(".pdb"), $"{id}: the symbols are in the .snupkg, not the package");
        }
    }

    [Test]
    public async Task AConsoleAppRestoresAmpCoreFromTheFeedAndItsGeneratedCommandCallsOverAnInMemoryPair(CancellationToken cancellationToken)
    {
        PackedFeed feed = await PackedFeed.GetAsync(cancellationToken);
        string app = Directory.CreateDirectory(Path.Combine(feed.Root, "scratch")).FullName;
        string packages = Path.Combine(feed.Root, "packages");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), await ScratchApp.NuGetConfigAsync(app, feed.Folder, cancellationToken), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "Scratch.csproj"), ScratchApp.Project(feed.Version), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ScratchApp.Program, cancellationToken);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };

        (int built, string buildOutput) = await DotnetCli.RunAsync(app, environment, cancellationToken, "build", "-c", "Release");
        Assert.That(built, Is.Zero, $"the scratch app did not restore or build:\n{buildOutput}");
        (int ran, string output) = await DotnetCli.RunAsync(app, environment, cancellationToken, "run", "-c", "Release", "--no-build");

        Assert.That(ran, Is.Zero, output);
        string[] lines = output.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.That(lines[0], Is.EqualTo("hello, packages"), "the call went through with the generated description (the reflection fallback is off)");
        Assert.That(lines[1], Does.StartWith($"Amp.Core {feed.Version}+"));
        // Restored from the feed into the app's own package folder, byte for byte: not from another source or the global cache.
        string restored = Path.Combine(packages, "amp.core", feed.Version, $"amp.core.{feed.Version}.nupkg");
        Assert.That(SHA256.HashData(await File.ReadAllBytesAsync(restored, cancellationToken)), Is.EqualTo(SHA256.HashData(await File.ReadAllBytesAsync(feed.PackagePath("Amp.Core"), cancellationToken))));
    }

    private static XElement Child(XElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == name) ?? throw new AssertionException($"no <{name}> in <{parent.Name.LocalName}>");
}
