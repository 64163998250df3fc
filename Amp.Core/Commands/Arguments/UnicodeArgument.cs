using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>Unicode</c> as a <see cref="string"/>: strict UTF-8 both ways. A byte order mark
/// is not special: it reads as U+FEFF, as in Python.
/// </summary>
public sealed class UnicodeArgument : AmpArgumentType<string>
{
    /// <summary>The shared instance.</summary>
    public static readonly UnicodeArgument Instance = new();

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The string holds a lone surrogate, which has no UTF-8 form.</exception>
    public override void Write(string value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(destination);
        int count;
        try
        {
            count = Strict.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("The string holds a lone surrogate, which has no UTF-8 form.", nameof(value), e);
        }

        Span<byte> span = destination.GetSpan(count);
        int written = Strict.GetBytes(value, span);
        destination.Advance(written);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The bytes are not valid UTF-8.</exception>
    public override string Read(ReadOnlySpan<byte> source)
    {
        if (!Utf8.IsValid(source))
        {
            ThrowHelper.ThrowFormat("UTF-8", source);
        }

        return Encoding.UTF8.GetString(source);
    }
}
