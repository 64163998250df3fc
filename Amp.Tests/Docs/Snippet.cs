using System.Text.RegularExpressions;

namespace Amp.Tests.Docs;

/// <summary>
/// One <c>```csharp</c> block of a page. Its first comment lines may say what it needs that is not in it:
/// <c>// Given: AmpConnection connection, CancellationToken cancellationToken</c> (variables from the
/// surrounding text, declared for it), or <c>// Fragment: why</c> (it is only parsed, not compiled).
/// </summary>
internal sealed partial record Snippet(string Page, int Index, int Line, string Code)
{
    /// <summary>The <c>Type name</c> pairs of its <c>// Given:</c> line.</summary>
    public IReadOnlyList<string> Given =>
        GivenLine().Match(Code) is { Success: true } match
            ? match.Groups["given"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>Whether it is marked as a fragment, which is parsed only.</summary>
    public bool IsFragment => FragmentLine().IsMatch(Code);

    public override string ToString() => $"{Page} block {Index} (line {Line})";

    /// <summary>The <c>```csharp</c> blocks of a Markdown page, in order.</summary>
    public static IEnumerable<Snippet> Read(string path, string page)
    {
        string[] lines = File.ReadAllLines(path);
        int index = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            yield return new Snippet(page, ++index, start + 1, string.Join('\n', lines[start..end]));
            i = end;
        }
    }

    [GeneratedRegex(@"^(?://[^\n]*\n)*//\s*Given:\s*(?<given>[^\n]+)")]
    private static partial Regex GivenLine();

    [GeneratedRegex(@"^(?://[^\n]*\n)*//\s*Fragment:")]
    private static partial Regex FragmentLine();
}
