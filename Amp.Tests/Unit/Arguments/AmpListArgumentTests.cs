using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

/// <summary>AmpList reads, including the bad input the fuzzer found (Amp.Fuzz/findings/arguments/amplist-*).</summary>
public sealed class AmpListArgumentTests
{
    private static readonly AmpListArgument<Item> Items = new();

    [Test]
    public void ReadsTwistedsCapture()
    {
        // spec/amp-wire.md 6.6: [{name: "a", n: 7}, {name: "b"}].
        byte[] wire = Wire.Hex("0001 6e 0001 37 0004 6e616d65 0001 61 0000 0004 6e616d65 0001 62 0000");
        IReadOnlyList<Item> items = Items.Read(wire);
        Assert.That(items.Select(i => (i.Name, i.N)), Is.EqualTo(new[] { ("a", (int?)7), ("b", (int?)null) }));
        Assert.That(Wire.Write(Items, items), Is.EqualTo(wire));
    }

    // Fuzz finding: Read threw AmpProtocolException (from the box scanner) and AmpArgumentException (from the
    // element's fields), where AmpArgumentType<T>.Read promises FormatException for bytes that are not the type's wire form.
    [TestCase("0100", TestName = "An element key length over 255 is a FormatException")]
    [TestCase("0004 6e616d65 0001 61 0000 ff00", TestName = "A later element key length over 255 is a FormatException")]
    [TestCase("0001 6e 0001 37 0000", TestName = "A missing required field is a FormatException")]
    [TestCase("0004 6e616d65 0001 61 0001 6e 0001 78 0000", TestName = "A malformed field is a FormatException")]
    public void BadElementsAreFormatExceptions(string hex) =>
        Assert.That(() => Items.Read(Wire.Hex(hex)), Throws.TypeOf<FormatException>());

    public sealed class Item
    {
        [AmpArgument("name")] public string Name { get; set; } = "";

        [AmpArgument("n", Optional = true)] public int? N { get; set; }
    }
}
