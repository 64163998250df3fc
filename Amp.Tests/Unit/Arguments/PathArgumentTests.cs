using Amp.Arguments;

namespace Amp.Tests.Unit.Arguments;

public sealed class PathArgumentTests
{
    [Test]
    public void WritesThePathAsGivenInUtf8()
    {
        Assert.That(Wire.Write(PathArgument.Instance, "relative/\u2603.txt"), Is.EqualTo("relative/\u2603.txt"u8.ToArray()));
        Assert.That(Wire.WriteText(PathArgument.Instance, "/tmp/a b"), Is.EqualTo("/tmp/a b"));
    }

    [Test]
    public void AbsolutePathReadsUnchanged()
    {
        string path = Path.Combine(Path.GetTempPath(), "amp", "file.txt");
        Assert.That(Wire.Read(PathArgument.Instance, path), Is.EqualTo(path));
    }

    [Test]
    public void RelativePathIsMadeAbsoluteAgainstTheWorkingDirectory()
    {
        string cwd = Directory.GetCurrentDirectory();
        Assert.That(Wire.Read(PathArgument.Instance, "a/../b.txt"), Is.EqualTo(Path.Combine(cwd, "b.txt")));
        Assert.That(Wire.Read(PathArgument.Instance, string.Empty), Is.EqualTo(cwd));
    }

    [Test]
    public void BadPathsAreFormatExceptions()
    {
        Assert.That(() => PathArgument.Instance.Read(Wire.Hex("2F FF")), Throws.TypeOf<FormatException>());
        Assert.That(() => Wire.Read(PathArgument.Instance, "a\0b"), Throws.TypeOf<FormatException>());
        Assert.That(() => Wire.Read(FileInfoArgument.Instance, "a\0b"), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void FileInfoWritesItsFullNameAndRoundTrips()
    {
        var file = new FileInfo("some/file.txt");
        Assert.That(Wire.WriteText(FileInfoArgument.Instance, file), Is.EqualTo(file.FullName));
        Assert.That(Wire.Read(FileInfoArgument.Instance, file.FullName).FullName, Is.EqualTo(file.FullName));
    }
}
