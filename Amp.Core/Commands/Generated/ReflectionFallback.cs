using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Amp.Generated;

/// <summary>
/// Whether commands, records and responder objects the source generator did not see may still be
/// described by reflection at run time. On by default where code can be generated at run time; off
/// under NativeAOT, and off in a trimmed application, where build/Amp.Core.targets sets the switch to
/// <see langword="false"/> (<c>&lt;RuntimeHostConfigurationOption Include="Amp.ReflectionFallback.IsSupported" Value="false" Trim="true" /&gt;</c>)
/// so the trimmer removes the reflection code.
/// </summary>
internal static class ReflectionFallback
{
    public const string SwitchName = "Amp.ReflectionFallback.IsSupported";

    public const string Reason = "Describes a command, record or responder object the Amp.Generators source generator did not see, by reflection over its members.";

    [FeatureSwitchDefinition(SwitchName)]
    [FeatureGuard(typeof(RequiresUnreferencedCodeAttribute))]
    [FeatureGuard(typeof(RequiresDynamicCodeAttribute))]
    // IL4000: the analyzers cannot see that the switch guards unreferenced code. It does: Amp.Core's build
    // targets (build/Amp.Core.targets) set it to false, trimming the branch, whenever PublishTrimmed or
    // PublishAot is on, and without dynamic code (NativeAOT) it is false whatever the switch says.
#pragma warning disable IL4000
    public static bool IsSupported =>
        RuntimeFeature.IsDynamicCodeSupported && (!AppContext.TryGetSwitch(SwitchName, out bool enabled) || enabled);
#pragma warning restore IL4000

    /// <summary>The error for a type that has no generated description where reflection is off.</summary>
    public static AmpDefinitionException NotGenerated(Type type) =>
        new(type, null, "has no generated description, and the reflection fallback is off (NativeAOT or a trimmed application): "
            + "declare it in a project that references the Amp.Generators analyzer (docs/source-generator.md)");

    /// <summary>
    /// Runs the module initializer of <paramref name="type"/>'s assembly, where generated code registers its
    /// descriptions, in case nothing in that assembly has run yet (its types were only named, never used).
    /// </summary>
    public static void EnsureRegistered(Type type) => RuntimeHelpers.RunModuleConstructor(type.Module.ModuleHandle);
}
