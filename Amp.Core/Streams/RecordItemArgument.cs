using System.Buffers;
using Amp.Arguments;

namespace Amp.Streams;

/// <summary>One record (a class with <see cref="AmpArgumentAttribute"/> properties) as an item of a stream: its box, as one AmpList element.</summary>
internal sealed class RecordItemArgument<T> : AmpArgumentType<T>
    where T : class
{
    private readonly AmpListArgument<T> _list = new();

    public override void Write(T value, IBufferWriter<byte> destination) => _list.Write([value], destination);

    public override T Read(ReadOnlySpan<byte> source)
    {
        IReadOnlyList<T> one = _list.Read(source);
        return one.Count == 1 ? one[0] : throw new FormatException($"a stream item holds {one.Count} records, not one");
    }
}
