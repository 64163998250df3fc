namespace Amp.Tests.Interop;

/// <summary>
/// Which Python the interop tests run: AMP_PYTHON, then python3 on PATH, then /usr/bin/python3; the first
/// that imports Twisted wins. Stand-in "pythons" are shell scripts that succeed or fail as
/// <c>python -c "import twisted"</c> would.
/// </summary>
[CancelAfter(60000)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PythonLocatorTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"amp-python-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(_folder, "bin"));
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void TheVariableComesFirst()
    {
        string variable = FakePython("chosen", hasTwisted: true);
        FakePython("bin/python3", hasTwisted: true);

        var found = PythonLocator.Find(Environment(variable, Path.Combine(_folder, "bin")));

        Assert.That(found.Twisted, Is.EqualTo(variable));
        Assert.That(found.Tried, Is.EqualTo($"AMP_PYTHON: {variable} has Twisted"));
    }

    [Test]
    public void Python3OnPathComesNextWhenTheVariablesPythonLacksTwisted()
    {
        string variable = FakePython("without", hasTwisted: false);
        string onPath = FakePython("bin/python3", hasTwisted: true);

        var found = PythonLocator.Find(Environment(variable, "/nonexistent" + Path.PathSeparator + Path.Combine(_folder, "bin")));

        Assert.That(found.Twisted, Is.EqualTo(onPath));
        Assert.That(found.Any, Is.EqualTo(variable), "the first Python that runs, for tests needing only its ssl module");
        Assert.That(found.Tried, Does.StartWith($"AMP_PYTHON: {variable}: ModuleNotFoundError: No module named 'twisted'; python3 on PATH: {onPath} has Twisted"));
    }

    [Test]
    public void UsrBinPython3ComesLast()
    {
        var found = PythonLocator.Find(Environment(null, Path.Combine(_folder, "bin")));

        Assert.That(found.Tried, Does.StartWith("AMP_PYTHON: not found; python3 on PATH: not found; /usr/bin/python3"));
        Assert.That(found.Twisted, Is.Null.Or.EqualTo("/usr/bin/python3"));
    }

    private Func<string, string?> Environment(string? variable, string path) =>
        name => name switch
        {
            PythonLocator.Variable => variable,
            "PATH" => path,
            _ => null,
        };

    private string FakePython(string name, bool hasTwisted)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, hasTwisted
            ? "#!/bin/sh\nexit 0\n"
            : "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho \"ModuleNotFoundError: No module named 'twisted'\" >&2\nexit 1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
