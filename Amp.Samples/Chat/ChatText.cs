using System.Globalization;
using System.Text;
using Amp.Samples.Chat.Commands;

namespace Amp.Samples.Chat;

/// <summary>How chat lines look on a terminal, and which texts and nicknames the chat accepts.</summary>
internal static class ChatText
{
    /// <summary>The sender of the server's own notices (joins, departures).</summary>
    public const string Notice = "*";

    /// <summary><c>[12:34:56] &lt;alice&gt; hello</c>, or <c>[12:34:56] * bob joined</c> for a notice.</summary>
    public static string Format(Deliver line)
    {
        string when = line.At.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        string text = Printable(line.Text);
        return line.From == Notice ? $"[{when}] * {text}" : $"[{when}] <{Printable(line.From)}> {text}";
    }

    /// <summary>Why <paramref name="nickname"/> cannot be used, or null when it can.</summary>
    public static string? NicknameProblem(string nickname) =>
        nickname.Length is 0 or > Join.MaximumLength ? $"a nickname has 1 to {Join.MaximumLength} characters"
        : nickname == Notice ? $"'{Notice}' is the server's own name"
        : HasControl(nickname) || nickname.Trim().Length != nickname.Length ? "a nickname has no control characters and no spaces around it"
        : null;

    /// <summary>Why <paramref name="text"/> cannot be said, or null when it can.</summary>
    public static string? TextProblem(string text) =>
        text.Length is 0 or > Say.MaximumLength ? $"a line has 1 to {Say.MaximumLength} characters"
        : HasControl(text) ? "a line has no control characters"
        : null;

    /// <summary>Replaces control characters, so a peer cannot move the cursor or recolour the terminal.</summary>
    public static string Printable(string text)
    {
        if (!HasControl(text))
        {
            return text;
        }

        var printable = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            printable.Append(char.IsControl(c) ? '\uFFFD' : c);
        }

        return printable.ToString();
    }

    private static bool HasControl(string text)
    {
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
