using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

// Twisted test_amp.py test_booleanValues and amp.Boolean.fromString.
public sealed class BooleanArgumentTests
{
    [TestCase(true, "True")]
    [TestCase(false, "False")]
    public void WritesPythonSpelling(bool value, string expected) =>
        Assert.That(Wire.WriteText(BooleanArgument.Instance, value), Is.EqualTo(expected));

    [TestCase("True", true)]
    [TestCase("False", false)]
    public void ReadsExactSpelling(string text, bool expected) =>
        Assert.That(Wire.Read(BooleanArgument.Instance, text), Is.EqualTo(expected));

    [TestCase("ninja")]
    [TestCase("true")]
    [TestCase("TRUE")]
    [TestCase("false")]
    [TestCase("1")]
    [TestCase("0")]
    [TestCase("")]
    [TestCase(" True")]
    [TestCase("True ")]
    [TestCase("Tru")]
    [TestCase("Falsey")]
    public void RejectsAnythingElse(string text) =>
        Assert.That(() => Wire.Read(BooleanArgument.Instance, text), Throws.TypeOf<FormatException>());
}
