using System.Text;

namespace Amp.Tool.Values;

/// <summary>
/// One <c>key=value</c> from the command line: <c>key:type=value</c> names the wire type, <c>key=@file</c>
/// reads the value from a file (its bytes, as they are), and <c>key=@@text</c> is the literal <c>@text</c>.
/// </summary>
internal sealed record CallArgument(string Key, WireType? Type, byte[] Input)
{
    /// <summary>Parses <paramref name="text"/>; files named with <c>@</c> are read relative to <paramref name="directory"/>.</summary>
    /// <exception cref="ToolException">Not <c>key=value</c>, an unknown type, or a file that cannot be read.</exception>
    public static CallArgument Parse(string text, string directory)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (text.StartsWith('-') && (equals < 0 || text.StartsWith("--", StringComparison.Ordinal)))
        {
            throw ToolException.Usage($"unknown option '{(equals < 0 ? text : text[..equals])}' (see amp call --help)");
        }

        if (equals <= 0)
        {
            throw ToolException.Usage($"'{text}' is not key=value (or key:type=value, key=@file)");
        }

        string left = text[..equals];
        string value = text[(equals + 1)..];
        int colon = left.IndexOf(':', StringComparison.Ordinal);
        string key = colon < 0 ? left : left[..colon];
        WireType? type = null;
        if (colon >= 0)
        {
            try
            {
                type = WireType.Parse(left[(colon + 1)..]);
            }
            catch (FormatException e)
            {
                throw ToolException.Usage($"{key}: {e.Message}");
            }
        }

        return new CallArgument(WireKey(key), type, Value(key, value, directory));
    }

    /// <summary>A key as Amp.NET's boxes hold it: one character per byte of its UTF-8 form.</summary>
    /// <exception cref="ToolException">Empty or longer than 255 bytes.</exception>
    public static string WireKey(string key)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(key);
        return bytes.Length is 0 or > 255
            ? throw ToolException.Usage($"'{key}': a key is 1 to 255 bytes")
            : Encoding.Latin1.GetString(bytes);
    }

    /// <summary>The key as the user wrote it (the inverse of <see cref="WireKey"/>).</summary>
    public string DisplayKey => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(Key));

    private static byte[] Value(string key, string value, string directory)
    {
        if (value.StartsWith("@@", StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(value[1..]);
        }

        if (!value.StartsWith('@'))
        {
            return Encoding.UTF8.GetBytes(value);
        }

        string path = Path.Combine(directory, value[1..]);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw ToolException.Usage($"{key}=@{value[1..]}: cannot read the file: {e.Message}");
        }
    }
}
