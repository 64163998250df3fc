using System.Buffers;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Path</c> as a <see cref="string"/>: a file-system path as UTF-8 text.
/// </summary>
/// <remarks>
/// The path is written as given. Twisted always sends absolute paths (its <c>FilePath</c> makes
/// every path absolute when it is created), and when it reads a relative path it makes it absolute
/// against the <em>receiver's</em> working directory. This reader does the same with
/// <see cref="Path.GetFullPath(string)"/>, so <c>a/../b</c> reads as <c>&lt;cwd&gt;/b</c> and an
/// empty path reads as the working directory.
/// </remarks>
public sealed class PathArgument : AmpArgumentType<string>
{
    /// <summary>The shared instance.</summary>
    public static readonly PathArgument Instance = new();

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The path holds a lone surrogate, which has no UTF-8 form.</exception>
    public override void Write(string value, IBufferWriter<byte> destination) =>
        UnicodeArgument.Instance.Write(value, destination);

    /// <inheritdoc/>
    /// <returns>The absolute path.</returns>
    /// <exception cref="FormatException">The bytes are not valid UTF-8, or they are not a path (for example they hold a NUL character).</exception>
    public override string Read(ReadOnlySpan<byte> source)
    {
        string text = UnicodeArgument.Instance.Read(source);
        if (text.Length == 0)
        {
            return Directory.GetCurrentDirectory();
        }

        try
        {
            return Path.GetFullPath(text);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Invalid path value: {WireText.Describe(source)}.", e);
        }
    }
}
