using System.Collections.ObjectModel;

namespace Amp.Negotiation;

/// <summary>Checks application entries (<c>App-</c> keys) and block values against the block grammar of spec/amp-wire.md §16.4.</summary>
internal static class NegotiationParameters
{
    /// <summary>The longest application entry name: <c>App-</c> plus this is the longest key (64).</summary>
    public const int MaxNameLength = 60;

    public static IReadOnlyDictionary<string, string> Empty { get; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>A validated, ordinally sorted copy of <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">A name or a value cannot travel in a block.</exception>
    public static IReadOnlyDictionary<string, string> Validate(IReadOnlyDictionary<string, string> parameters, string argumentName)
    {
        ArgumentNullException.ThrowIfNull(parameters, argumentName);
        if (parameters.Count == 0)
        {
            return Empty;
        }

        var copy = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> entry in parameters)
        {
            if (!IsValidName(entry.Key))
            {
                throw new ArgumentException($"'{entry.Key}' is not a valid application entry name (1 to {MaxNameLength} of A-Z a-z 0-9 -).", argumentName);
            }

            if (entry.Value is null || !IsValidValue(entry.Value))
            {
                throw new ArgumentException($"The value of application entry '{entry.Key}' must be text without control characters, unpaired surrogates or surrounding spaces.", argumentName);
            }

            copy.Add(entry.Key, entry.Value);
        }

        return new ReadOnlyDictionary<string, string>(copy);
    }

    public static bool IsValidName(string? name)
    {
        if (name is null || name.Length == 0 || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsKeyChar(c))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsKeyChar(int c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-';

    /// <summary>Whether a value can travel in a block: UTF-8 text (no unpaired surrogate), no control character, no leading or trailing space.</summary>
    public static bool IsValidValue(string value)
    {
        if (value.Length > 0 && (value[0] == ' ' || value[^1] == ' '))
        {
            return false;
        }

        foreach (char c in value)
        {
            if (c < 0x20 || c is >= (char)0x7f and <= (char)0x9f)
            {
                return false;
            }
        }

        return !HasUnpairedSurrogate(value);
    }

    private static bool HasUnpairedSurrogate(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }
}
