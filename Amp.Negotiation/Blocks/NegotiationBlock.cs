using System.Text;
using Amp.Negotiation.Http;

namespace Amp.Negotiation.Blocks;

/// <summary>
/// A Hello or Decision block (spec/amp-wire.md §16.4): <c>Key: Value</c> lines, each ended by CR LF, then an empty
/// line. Keys are 1-64 of A-Z a-z 0-9 - and appear at most once; values are UTF-8 text without control characters.
/// </summary>
internal sealed class NegotiationBlock
{
    /// <summary>The longest key.</summary>
    public const int MaxKeyLength = 64;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly List<KeyValuePair<string, string>> _entries = [];

    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    /// <summary>The value of <paramref name="key"/>, or <see langword="null"/>.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (KeyValuePair<string, string> entry in _entries)
            {
                if (entry.Key == key)
                {
                    return entry.Value;
                }
            }

            return null;
        }
    }

    /// <summary>Adds a line; the caller has validated the key and the value.</summary>
    public NegotiationBlock Add(string key, string value)
    {
        _entries.Add(new(key, value));
        return this;
    }

    /// <summary>The block's bytes, its empty line included.</summary>
    public byte[] ToBytes()
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, string> entry in _entries)
        {
            text.Append(entry.Key).Append(": ").Append(entry.Value).Append("\r\n");
        }

        return s_strictUtf8.GetBytes(text.Append("\r\n").ToString());
    }

    /// <summary>Parses a complete block (as <see cref="HeadScanner"/> found it).</summary>
    /// <exception cref="FormatException">The block breaks the grammar; the message says how.</exception>
    public static NegotiationBlock Parse(ReadOnlySpan<byte> bytes)
    {
        var block = new NegotiationBlock();
        var lines = new HeadLines(bytes);
        while (lines.MoveNext())
        {
            ReadOnlySpan<byte> line = lines.Current;
            int colon = line.IndexOf((byte)':');
            ReadOnlySpan<byte> key = colon < 0 ? line : line[..colon];
            if (colon < 1 || key.Length > MaxKeyLength || !IsKey(key))
            {
                throw new FormatException($"'{HttpSyntax.Quote(line)}' is not a 'Key: Value' line with a key of 1 to {MaxKeyLength} of A-Z a-z 0-9 -");
            }

            string name = Encoding.ASCII.GetString(key);
            string value;
            try
            {
                value = s_strictUtf8.GetString(line[(colon + 1)..].Trim(" \t"u8));
            }
            catch (DecoderFallbackException)
            {
                throw new FormatException($"the value of {name} is not UTF-8");
            }

            if (!NegotiationParameters.IsValidValue(value))
            {
                throw new FormatException($"the value of {name} holds a control character");
            }

            if (block[name] is not null)
            {
                throw new FormatException($"the key {name} appears twice");
            }

            block.Add(name, value);
        }

        return block;
    }

    private static bool IsKey(ReadOnlySpan<byte> key)
    {
        foreach (byte b in key)
        {
            if (!NegotiationParameters.IsKeyChar(b))
            {
                return false;
            }
        }

        return true;
    }
}
