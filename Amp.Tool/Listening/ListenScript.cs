using System.Text;
using Amp.Boxes;
using Amp.Tool.Values;

namespace Amp.Tool.Listening;

/// <summary>
/// The rules of <c>amp listen --script FILE</c>: one a line, <c>COMMAND REPLY</c>, the first rule whose
/// command matches wins (<c>*</c> matches any). A reply is <c>echo</c>, <c>unhandled</c>, <c>close</c>,
/// <c>empty</c> (an answer without keys), <c>error CODE ["description"]</c>, or <c>key=value</c> pairs
/// (the answer box; <c>key:type=value</c> and <c>key=@file</c> as in <c>amp call</c>, files relative to
/// the script). Words with spaces go in double quotes; <c>#</c> starts a comment. A command no rule
/// matches is answered <c>UNHANDLED</c>.
/// </summary>
internal sealed class ListenScript
{
    private readonly List<(string Command, ListenReply Reply)> _rules;

    private ListenScript(List<(string Command, ListenReply Reply)> rules) => _rules = rules;

    /// <summary>Reads and checks a script.</summary>
    /// <exception cref="ToolException">The file cannot be read, or a line is not a rule (its number is named).</exception>
    public static ListenScript Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw ToolException.Usage($"--script {path}: cannot read it: {e.Message}");
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var rules = new List<(string, ListenReply)>();
        for (int i = 0; i < lines.Length; i++)
        {
            try
            {
                List<string> words = Words(lines[i]);
                if (words.Count > 0)
                {
                    rules.Add((words[0], words.Count == 1 ? throw new FormatException($"'{words[0]}' needs a reply") : Reply(words.Skip(1).ToList(), directory)));
                }
            }
            catch (Exception e) when (e is FormatException or ToolException)
            {
                throw ToolException.Usage($"--script {path}, line {i + 1}: {e.Message}");
            }
        }

        return new ListenScript(rules);
    }

    /// <summary>The reply for <paramref name="command"/>: the first matching rule's, else <c>UNHANDLED</c>.</summary>
    public ListenReply Decide(string command) =>
        _rules.FirstOrDefault(rule => rule.Command == command || rule.Command == "*").Reply ?? ListenReply.Unhandled;

    /// <summary>Whether a rule names <paramref name="command"/> itself (not through <c>*</c>).</summary>
    public bool Names(string command) => _rules.Exists(rule => rule.Command == command);

    private static ListenReply Reply(List<string> words, string directory)
    {
        switch (words[0])
        {
            case "echo" or "unhandled" or "close" or "empty" when words.Count > 1:
                throw new FormatException($"'{words[0]}' takes nothing after it");
            case "echo":
                return ListenReply.Echo;
            case "unhandled":
                return ListenReply.Unhandled;
            case "close":
                return ListenReply.Close;
            case "empty":
                return new ListenReply(ListenReplyKind.Answer, new AmpBox());
            case "error" when words.Count is 2 or 3:
                return new ListenReply(ListenReplyKind.Error, Code: words[1], Description: words.Count == 3 ? words[2] : "");
            case "error":
                throw new FormatException("error takes a code and, in quotes, a description: error ZERO_DIVISION \"cannot divide by zero\"");
        }

        if (!words.TrueForAll(word => word.Contains('=', StringComparison.Ordinal)))
        {
            throw new FormatException($"'{string.Join(' ', words)}' is not a reply: echo, unhandled, close, empty, error CODE \"description\", or key=value pairs");
        }

        return new ListenReply(ListenReplyKind.Answer, TypedBox.Arguments(null, words.ConvertAll(word => CallArgument.Parse(word, directory))));
    }

    /// <summary>Splits a line into words: spaces separate, double quotes group (<c>\"</c> and <c>\\</c> inside), <c>#</c> ends it.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                {
                    word.Append(line[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = inWord = true;
            }
            else if (char.IsWhiteSpace(c) || c == '#' && !inWord)
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                if (c == '#')
                {
                    break;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quoted)
        {
            throw new FormatException("a quote is not closed");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
