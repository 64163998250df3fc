using System.Buffers;
using Amp.Boxes;
using Amp.Descriptors;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>AmpList</c>: a list of records, each encoded as a complete box (keys sorted, end marker),
/// the boxes concatenated into one value. <typeparamref name="T"/> declares its fields with
/// <see cref="AmpArgumentAttribute"/>. A trailing box without its end marker is dropped, as Twisted does.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class AmpListArgument<T> : AmpArgumentType<IReadOnlyList<T>>
    where T : class
{
    private static readonly AmpLimits s_elementLimits = new() { MaxBoxBytes = ushort.MaxValue, MaxKeysPerBox = ushort.MaxValue };

    private readonly RecordDescriptor<T> _record = RecordDescriptor<T>.Instance;

    /// <inheritdoc/>
    public override void Write(IReadOnlyList<T> value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(destination);
        if (destination is BoxBuffer box)
        {
            WriteElements(value, box);
            return;
        }

        BoxBuffer scratch = new();
        WriteElements(value, scratch);
        destination.Write(scratch.WrittenSpan);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">An element breaks the box format (a key longer than 255 bytes), or one of its fields is missing or malformed.</exception>
    public override IReadOnlyList<T> Read(ReadOnlySpan<byte> source)
    {
        var items = new List<T>();
        while (!source.IsEmpty)
        {
            int length;
            try
            {
                length = BoxScanner.Scan(source, s_elementLimits, out _);
            }
            catch (AmpProtocolException e)
            {
                throw new FormatException($"Invalid AmpList element {items.Count}: {e.Message}.", e);
            }

            if (length < 0)
            {
                break;
            }

            try
            {
                items.Add(_record.Read(source.Slice(0, length), typeof(T).Name));
            }
            catch (AmpArgumentException e)
            {
                throw new FormatException($"Invalid AmpList element {items.Count}: {e.Message}.", e);
            }

            source = source.Slice(length);
        }

        return items;
    }

    private void WriteElements(IReadOnlyList<T> value, BoxBuffer buffer)
    {
        for (int i = 0; i < value.Count; i++)
        {
            _record.WriteFields(value[i], buffer, typeof(T).Name, default, default, default, default);
            buffer.WriteEnd();
        }
    }
}
