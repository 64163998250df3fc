using Amp.Descriptors;

namespace Amp.Tests.Generators;

/// <summary>
/// Every command of this suite, the samples and the libraries is described by generated code, and that
/// description is the one reflection builds, field by field; declarations reflection refuses are left to it.
/// </summary>
public sealed class GeneratedDescriptorTests
{
    public static IEnumerable<TestCaseData> Commands() =>
        CommandTypes.All().Select(t => new TestCaseData(t).SetArgDisplayNames(t.FullName!));

    [TestCaseSource(nameof(Commands))]
    public void TheGeneratedDescriptionIsReflectionsOwn(Type command)
    {
        var (reflected, refused) = CommandTypes.Reflect(command);
        if (refused is not null)
        {
            // A deliberately invalid declaration (the analyzer is off for it): nothing generated, the fallback refuses it.
            var error = Assert.Throws<AmpDefinitionException>(() => CommandDescriptor.For(command));
            Assert.That(error!.Message, Is.EqualTo(refused.Message));
            return;
        }

        CommandDescriptor described = CommandDescriptor.For(command);
        if (!CommandTypes.IsReachable(command))
        {
            Assert.That(described.IsGenerated, Is.False, "generated code cannot name a private nested or generic type: reflection describes it");
            return;
        }

        Assert.That(described.IsGenerated, Is.True, $"{command.FullName} should be described by generated code");
        Assert.That(reflected!.IsGenerated, Is.False);
        Assert.That(DescriptorShape.Of(described), Is.EqualTo(DescriptorShape.Of(reflected)));
    }

    [Test]
    public void TheSuiteHasCommandsOfEveryKind()
    {
        List<Type> all = [.. CommandTypes.All()];
        Assert.That(all, Has.Count.GreaterThan(50));
        Assert.That(all.Count(t => CommandTypes.IsReachable(t) && CommandTypes.Reflect(t).Refused is null), Is.GreaterThan(40));
        Assert.That(all.Count(t => CommandTypes.Reflect(t).Refused is not null), Is.GreaterThan(10), "the deliberately invalid declarations of the definition tests");
    }
}
