using System.Globalization;

namespace Amp.Samples;

/// <summary>
/// The flags of the calculator, transfer and line-tls subcommands: <c>--name VALUE</c> pairs from a known
/// set, and <c>--help</c>. Anything else is refused with one line naming it. (The chat has its own,
/// richer parser, <see cref="Chat.ChatArguments"/>.)
/// </summary>
internal sealed class SampleFlags
{
    /// <summary>The exit code for a bad command line.</summary>
    public const int UsageExitCode = 2;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly string _command;
    private readonly TextWriter _error;

    private SampleFlags(string command, TextWriter error)
    {
        _command = command;
        _error = error;
    }

    /// <summary>Whether <c>--help</c> (or <c>-h</c>) was given.</summary>
    public bool Help { get; private set; }

    /// <summary>Parses <paramref name="args"/>; prints why and returns <see langword="null"/> when a flag is unknown or lacks its value.</summary>
    public static SampleFlags? Parse(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valueFlags, TextWriter error)
    {
        var flags = new SampleFlags(command, error);
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            if (flag is "--help" or "-h")
            {
                flags.Help = true;
            }
            else if (!valueFlags.Contains(flag))
            {
                return flags.Fail($"unknown flag '{flag}'");
            }
            else if (i + 1 >= args.Count)
            {
                return flags.Fail($"{flag} needs a value");
            }
            else
            {
                flags._values[flag] = args[++i];
            }
        }

        return flags;
    }

    /// <summary>The value of <paramref name="flag"/>, or <paramref name="fallback"/> when it was not given.</summary>
    public string Get(string flag, string fallback) => _values.GetValueOrDefault(flag, fallback);

    /// <summary>An integer flag within <paramref name="min"/>..<paramref name="max"/>; prints why and returns null when it is not.</summary>
    public long? Number(string flag, long fallback, long min, long max, string what)
    {
        if (!_values.TryGetValue(flag, out string? text))
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max)
        {
            return value;
        }

        Fail($"{flag} '{text}' is not {what} ({min} to {max})");
        return null;
    }

    private SampleFlags? Fail(string problem)
    {
        _error.WriteLine($"{_command}: {problem} (see {_command} --help)");
        return null;
    }
}
