namespace Amp.Tests.AspNetCore;

/// <summary>Files of the repository (a page of docs, a source file), found above the test's directory.</summary>
internal static class DocPages
{
    public static string Read(string relative)
    {
        for (DirectoryInfo? directory = new(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return File.ReadAllText(candidate).ReplaceLineEndings("\n");
            }
        }

        throw new FileNotFoundException($"{relative} was not found above {TestContext.CurrentContext.TestDirectory}");
    }
}
