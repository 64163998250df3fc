using Amp.MessagePack;
using MessagePack;
using MessagePack.Resolvers;

namespace Amp.Tests.Unit.Arguments;

public sealed class MessagePackArgumentTests
{
    [Test]
    public void WritesStandardMessagePack()
    {
        // [1, 300] as a two-element array: fixarray(2), positive fixint 1, uint16 300.
        var type = MessagePackArgument<int[]>.Instance;
        Assert.That(Wire.Write(type, [1, 300]), Is.EqualTo(Wire.Hex("92 01 CD 012C")));
    }

    [Test]
    public void RoundTripsAContract()
    {
        var type = new MessagePackArgument<Dictionary<string, int[]>>();
        var value = new Dictionary<string, int[]> { ["a"] = [1, 2, 3], ["b"] = [] };
        byte[] bytes = Wire.Write(type, value);
        Assert.That(type.Read(bytes), Is.EqualTo(value));
    }

    [Test]
    public void DefaultOptionsTreatDataAsUntrusted() =>
        Assert.That(MessagePackArgument<int>.Instance.Options.Security, Is.SameAs(MessagePackSecurity.UntrustedData));

    [Test]
    public void CustomOptionsAreUsed()
    {
        var options = MessagePackSerializerOptions.Standard.WithResolver(ContractlessStandardResolver.Instance);
        var type = new MessagePackArgument<int>(options);
        Assert.That(type.Options, Is.SameAs(options));
        Assert.That(type.Read(Wire.Write(type, 300)), Is.EqualTo(300));
    }

    [TestCase("")]
    [TestCase("C1")]
    [TestCase("A1")]
    [TestCase("A161")]
    [TestCase("0102")]
    public void BadBytesAreFormatException(string hex) =>
        Assert.That(() => MessagePackArgument<int>.Instance.Read(Wire.Hex(hex)), Throws.TypeOf<FormatException>());
}
