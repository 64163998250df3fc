using System.Buffers;

namespace Amp.Arguments;

/// <summary>
/// Lets a list-typed property be a <see cref="List{T}"/>, an array or another collection interface:
/// the wire form is the inner list type's (ListOf or AmpList).
/// </summary>
/// <typeparam name="TCollection">The property's type.</typeparam>
/// <typeparam name="TElement">The element type.</typeparam>
internal sealed class CollectionArgument<TCollection, TElement> : AmpArgumentType<TCollection>
    where TCollection : class, IEnumerable<TElement>
{
    private readonly AmpArgumentType<IReadOnlyList<TElement>> _inner;

    public CollectionArgument(AmpArgumentType<IReadOnlyList<TElement>> inner)
    {
        _inner = inner;
    }

    public override void Write(TCollection value, IBufferWriter<byte> destination) =>
        _inner.Write(value as IReadOnlyList<TElement> ?? new List<TElement>(value), destination);

    public override TCollection Read(ReadOnlySpan<byte> source)
    {
        IReadOnlyList<TElement> items = _inner.Read(source);
        if (items is TCollection same)
        {
            return same;
        }

        if (typeof(TCollection) == typeof(TElement[]))
        {
            var array = new TElement[items.Count];
            for (int i = 0; i < array.Length; i++)
            {
                array[i] = items[i];
            }

            return (TCollection)(object)array;
        }

        return (TCollection)(object)new List<TElement>(items);
    }
}
