using Amp.Arguments;
using Amp.Descriptors;

namespace Amp.Tests.Unit.Commands;

#pragma warning disable CA1812 // Types used only through reflection.
// Deliberately invalid declarations: these tests check the reflection fallback's AmpDefinitionException, so the
// analyzer's compile-time errors for them are off here (Generators/DiagnosticTests checks the same mistakes at compile time).
#pragma warning disable AMP015, AMP016, AMP022, AMP023, AMP024, AMP025, AMP026, AMP027

public sealed class BigStringOnStringCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("s", Type = typeof(BigStringArgument))] public string S { get; set; } = "";
}

public sealed class BigUnicodeOnBytesCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("b", Type = typeof(BigUnicodeArgument))] public byte[] B { get; set; } = [];
}

public sealed class BigStringOnListCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("l", Type = typeof(BigStringArgument))] public List<byte[]> L { get; set; } = [];
}

public sealed class MaxBytesOnPlainCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("p", MaxBytes = 10)] public byte[] P { get; set; } = [];
}

public sealed class NegativeMaxBytesCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("n", Type = typeof(BigStringArgument), MaxBytes = -1)] public byte[] N { get; set; } = [];
}

public sealed class MaxDigitsOnBigCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("d", Type = typeof(BigStringArgument), MaxDigits = 5)] public byte[] D { get; set; } = [];
}

public sealed class MaxBytesOnStreamCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("s", MaxBytes = 5)] public Stream? S { get; set; }
}

public sealed class OptionalMemoryCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("m", Type = typeof(BigStringArgument), Optional = true)] public ReadOnlyMemory<byte> M { get; set; }
}

public sealed class ChunkKeyNameCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("data", Type = typeof(BigStringArgument))] public byte[] Data { get; set; } = [];
    [AmpArgument("data.12")] public string Twelve { get; set; } = "";
}

public sealed class LongBigNameCommand : IAmpCommand<AmpEmptyResponse>
{
    // 250 characters: "name.32769" would be 256 bytes.
    [AmpArgument("nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", Type = typeof(BigStringArgument))]
    public byte[] Long { get; set; } = [];
}

public sealed class LongestBigNameCommand : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", Type = typeof(BigStringArgument))]
    public byte[] Longest { get; set; } = [];
}

/// <summary>Big value declarations: checked once, at registration, naming the type and member.</summary>
public sealed class BigValueDeclarationTests
{
    [TestCase(typeof(BigStringOnStringCommand), "S", "BigStringArgument carries byte[] or ReadOnlyMemory<byte>, not String")]
    [TestCase(typeof(BigUnicodeOnBytesCommand), "B", "BigUnicodeArgument carries a string, not Byte[]")]
    [TestCase(typeof(BigStringOnListCommand), "L", "BigStringArgument carries byte[] or ReadOnlyMemory<byte>, not List`1")]
    [TestCase(typeof(MaxBytesOnPlainCommand), "P", "MaxBytes applies only to big values")]
    [TestCase(typeof(NegativeMaxBytesCommand), "N", "MaxBytes is -1")]
    [TestCase(typeof(MaxDigitsOnBigCommand), "D", "MaxDigits does not apply to big values")]
    [TestCase(typeof(MaxBytesOnStreamCommand), "S", "Type, MaxDigits and MaxBytes do not apply to streams")]
    [TestCase(typeof(OptionalMemoryCommand), "M", "is marked Optional but its type ReadOnlyMemory`1 cannot be null")]
    [TestCase(typeof(ChunkKeyNameCommand), "Twelve", "wire name 'data.12' is a chunk key of the big value 'data'")]
    [TestCase(typeof(LongBigNameCommand), "Long", "the wire name of a big value is 250 bytes long; at most 249")]
    public void InvalidDeclarationsFailAtRegistration(Type command, string member, string message)
    {
        var error = Assert.Throws<AmpDefinitionException>(() => CommandDescriptor.For(command));
        Assert.That((error!.DeclaringType, error.MemberName), Is.EqualTo((command, member)));
        Assert.That(error.Message, Does.Contain(message));
    }

    [Test]
    public void TheLongestNameLeavesRoomForTheLastChunkKey()
    {
        // Registration accepts 249 bytes, and the 32,769th chunk key of a 2 GiB value would be exactly 255.
        Assert.That(() => CommandDescriptor.For(typeof(LongestBigNameCommand)), Throws.Nothing);
        Assert.That(() => CommandDescriptor.For(typeof(MixedCommand)), Throws.Nothing, "a.1 and a.02 are not chunk keys of a");
    }
}
