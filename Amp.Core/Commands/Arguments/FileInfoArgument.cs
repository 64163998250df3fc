using System.Buffers;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Path</c> as a <see cref="FileInfo"/>: writes <see cref="FileSystemInfo.FullName"/>
/// (an absolute path, as Twisted sends), reads as <see cref="PathArgument"/> does.
/// </summary>
public sealed class FileInfoArgument : AmpArgumentType<FileInfo>
{
    /// <summary>The shared instance.</summary>
    public static readonly FileInfoArgument Instance = new();

    /// <inheritdoc/>
    public override void Write(FileInfo value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        PathArgument.Instance.Write(value.FullName, destination);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The bytes are not valid UTF-8, or they are not a path.</exception>
    public override FileInfo Read(ReadOnlySpan<byte> source)
    {
        string path = PathArgument.Instance.Read(source);
        try
        {
            return new FileInfo(path);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Invalid path value: {WireText.Describe(source)}.", e);
        }
    }
}
