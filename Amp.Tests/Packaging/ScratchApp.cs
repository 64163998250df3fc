using System.Security;
using System.Text.RegularExpressions;

namespace Amp.Tests.Packaging;

/// <summary>
/// A console app in a temporary folder that references Amp.Core from the packed feed, as a user's app would:
/// its own nuget.config (the feed for Amp.*, this machine's own sources for the rest) and its own package
/// folder (NUGET_PACKAGES), so the packed Amp packages never reach the machine's global package cache.
/// </summary>
internal static partial class ScratchApp
{
    public const string Program = """
        using System.Reflection;
        using Amp;
        using Amp.Transports;

        var responders = new AmpResponders().Add((Greet greet) => new Greeting { Text = $"hello, {greet.Name}" });
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Responders = responders });
        await using AmpConnection client = AmpConnection.Start(initiator);
        Greeting greeting = await client.CallRemoteAsync(new Greet { Name = "packages" });
        Console.WriteLine(greeting.Text);
        Console.WriteLine("Amp.Core " + typeof(AmpConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion);

        [AmpCommand("Greet")]
        public sealed class Greet : IAmpCommand<Greeting>
        {
            [AmpArgument("name")] public string Name { get; init; } = "";
        }

        public sealed class Greeting
        {
            [AmpArgument("text")] public string Text { get; init; } = "";
        }
        """;

    /// <summary>
    /// The project. The reflection fallback is switched off, so the call works only if the source generator that
    /// Amp.Core's package carries compiled the two classes above.
    /// </summary>
    public static string Project(string version) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Amp.Core" Version="[{version}]" />
            <RuntimeHostConfigurationOption Include="Amp.ReflectionFallback.IsSupported" Value="false" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>
    /// A nuget.config with the feed and the sources this machine restores from (as <c>dotnet nuget list source</c>
    /// reports them in <paramref name="directory"/> before the file exists), mapped so that Amp.* comes only
    /// from the feed, even if another source had packages of those names.
    /// </summary>
    public static async Task<string> NuGetConfigAsync(string directory, string feed, CancellationToken cancellationToken)
    {
        (int exitCode, string output) = await DotnetCli.RunAsync(directory, null, cancellationToken, "nuget", "list", "source", "--format", "short");
        Assert.That(exitCode, Is.Zero, "dotnet nuget list source");
        List<string> sources = EnabledSource().Matches(output).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.That(sources, Is.Not.Empty, $"this machine has no enabled NuGet source to restore Amp.Core's dependencies from:\n{output}");

        string Escape(string text) => SecurityElement.Escape(text);
        IEnumerable<int> indexes = Enumerable.Range(0, sources.Count);
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="amp-feed" value="{Escape(feed)}" />
            {string.Concat(indexes.Select(i => $"    <add key=\"machine-{i}\" value=\"{Escape(sources[i])}\" />\n"))}  </packageSources>
              <packageSourceMapping>
                <packageSource key="amp-feed">
                  <package pattern="Amp.*" />
                </packageSource>
            {string.Concat(indexes.Select(i => $"    <packageSource key=\"machine-{i}\">\n      <package pattern=\"*\" />\n    </packageSource>\n"))}  </packageSourceMapping>
            </configuration>
            """;
    }

    /// <summary>A line of <c>dotnet nuget list source --format short</c>: "E" (enabled, possibly with more flags) and the source.</summary>
    [GeneratedRegex(@"^\s*E\w*\s+(\S.*)$", RegexOptions.Multiline)]
    private static partial Regex EnabledSource();
}
