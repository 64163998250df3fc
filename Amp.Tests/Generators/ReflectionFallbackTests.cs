using Amp.Descriptors;
using Amp.Generated;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Generators;

/// <summary>
/// The reflection fallback and its switch: on, a type the generator did not see is described by reflection and
/// a responder class without generated code is bound by reflection; off (as under NativeAOT and in trimmed
/// applications), the first is refused saying why and the second takes its base class's generated binding.
/// </summary>
[NonParallelizable]
public sealed class ReflectionFallbackTests
{
    [Test]
    public void WithTheFallbackOnAnUnseenTypeIsDescribedByReflection()
    {
        Assert.That(ReflectionFallback.IsSupported, Is.True, "on by default under the JIT");
        CommandDescriptor described = CommandDescriptor.For(typeof(SeenOnlyByReflection));
        Assert.That(described.IsGenerated, Is.False);
        Assert.That(described.Name, Is.EqualTo(nameof(SeenOnlyByReflection)));
    }

    [Test]
    public void WithTheFallbackOffAnUnseenTypeIsRefusedSayingWhy()
    {
        WithoutFallback(() =>
        {
            var error = Assert.Throws<AmpDefinitionException>(() => CommandDescriptor.For(typeof(NeverSeen)));
            Assert.That(error!.Message, Does.Contain("has no generated description").And.Contain("Amp.Generators"));
            Assert.That(CommandDescriptor.For(typeof(Sum)).IsGenerated, Is.True, "generated commands need no reflection");
        });
    }

    [Test]
    public void AResponderClassWithoutItsOwnMethodsIsBoundByReflectionOrWithoutItByItsBaseClass()
    {
        string[] expected = [.. new AmpResponders().AddObject(new InteropResponders()).CommandNames.Order()];
        Assert.That(new AmpResponders().AddObject(new DerivedResponders()).CommandNames.Order(), Is.EqualTo(new[] { "Sum" }), "by reflection: the inherited public method");
        WithoutFallback(() =>
            Assert.That(new AmpResponders().AddObject(new DerivedResponders()).CommandNames.Order(), Is.EqualTo(new[] { "Sum" }), "by the base class's generated binding"));
        Assert.That(expected, Does.Contain("Sum").And.Contain("Echo"));
    }

    private static void WithoutFallback(Action test)
    {
        AppContext.SetSwitch(ReflectionFallback.SwitchName, false);
        try
        {
            Assert.That(ReflectionFallback.IsSupported, Is.False);
            test();
        }
        finally
        {
            AppContext.SetSwitch(ReflectionFallback.SwitchName, true);
        }
    }

    // Private nested types: generated code cannot name them, so only reflection can describe them.
    private sealed class SeenOnlyByReflection : IAmpCommand<AmpEmptyResponse>
    {
        [AmpArgument("n")] public int N { get; set; }
    }

    private sealed class NeverSeen : IAmpCommand<AmpEmptyResponse>;
}

/// <summary>A responder class the generator binds.</summary>
public class BaseResponders
{
    [AmpResponder]
    public SumResult Sum(Sum command) => new() { Total = command.A + command.B };
}

/// <summary>A class that declares no responder of its own: the generator has no binding for it.</summary>
public sealed class DerivedResponders : BaseResponders;
