using Amp.Tool.Values;

namespace Amp.Tool.Output;

/// <summary>A box as <c>key: value</c> lines.</summary>
internal static class BoxText
{
    public static void Write(TextWriter output, DecodedBox box, string indent = "")
    {
        if (box.Fields.Count == 0)
        {
            output.WriteLine($"{indent}(empty box)");
            return;
        }

        foreach ((string key, object value) in box.Fields)
        {
            output.WriteLine($"{indent}{ValueText.Key(key)}: {ValueText.Format(value)}");
        }
    }
}
