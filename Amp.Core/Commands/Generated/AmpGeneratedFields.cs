using System.ComponentModel;
using System.IO.Pipelines;
using System.Text;
using Amp.Arguments;
using Amp.Descriptors;
using Amp.Streams;

namespace Amp.Generated;

/// <summary>
/// Field bindings and argument types for the code Amp.Generators writes: the same descriptors the
/// reflection path builds, made from typed accessors instead. Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AmpGeneratedFields
{
    /// <summary>A field whose property has the argument type's own type.</summary>
    public static AmpFieldBinding<TOwner> Value<TOwner, TValue>(string name, string member, bool optional, Func<TOwner, TValue> get, Action<TOwner, TValue> set, AmpArgumentType<TValue> type)
        where TOwner : class =>
        new(new FieldDescriptor<TOwner, TValue>(name, Key(name), member, optional, get, set, type));

    /// <summary>An optional field whose property is a <see cref="Nullable{T}"/>.</summary>
    public static AmpFieldBinding<TOwner> NullableValue<TOwner, TValue>(string name, string member, Func<TOwner, TValue?> get, Action<TOwner, TValue?> set, AmpArgumentType<TValue> type)
        where TOwner : class
        where TValue : struct =>
        new(new NullableFieldDescriptor<TOwner, TValue>(name, Key(name), member, get, set, type));

    /// <summary>A <see cref="BigStringArgument"/> field of type <see cref="byte"/>[].</summary>
    public static AmpFieldBinding<TOwner> BigBytes<TOwner>(string name, string member, bool optional, int maxBytes, Func<TOwner, byte[]> get, Action<TOwner, byte[]> set)
        where TOwner : class =>
        Chunked(name, member, optional, maxBytes, get, set, BigValueCodecs.ByteArray);

    /// <summary>A <see cref="BigStringArgument"/> field of type <see cref="ReadOnlyMemory{T}"/>.</summary>
    public static AmpFieldBinding<TOwner> BigMemory<TOwner>(string name, string member, bool optional, int maxBytes, Func<TOwner, ReadOnlyMemory<byte>> get, Action<TOwner, ReadOnlyMemory<byte>> set)
        where TOwner : class =>
        Chunked(name, member, optional, maxBytes, get, set, BigValueCodecs.Memory);

    /// <summary>A <see cref="BigStringArgument"/> field of type <see cref="Nullable{T}"/> of <see cref="ReadOnlyMemory{T}"/>.</summary>
    public static AmpFieldBinding<TOwner> BigNullableMemory<TOwner>(string name, string member, bool optional, int maxBytes, Func<TOwner, ReadOnlyMemory<byte>?> get, Action<TOwner, ReadOnlyMemory<byte>?> set)
        where TOwner : class =>
        Chunked(name, member, optional, maxBytes, get, set, BigValueCodecs.NullableMemory);

    /// <summary>A <see cref="BigUnicodeArgument"/> field.</summary>
    public static AmpFieldBinding<TOwner> BigText<TOwner>(string name, string member, bool optional, int maxBytes, Func<TOwner, string> get, Action<TOwner, string> set)
        where TOwner : class =>
        Chunked(name, member, optional, maxBytes, get, set, BigValueCodecs.Text);

    /// <summary>A <see cref="Stream"/> or <see cref="PipeReader"/> field.</summary>
    public static AmpFieldBinding<TOwner> Stream<TOwner, TValue>(string name, string member, bool optional, Func<TOwner, TValue> get, Action<TOwner, TValue> set)
        where TOwner : class
        where TValue : class =>
        new(StreamFieldDescriptor<TOwner>.Create(name, Key(name), member, optional, get, set));

    /// <summary>An <see cref="IAsyncEnumerable{T}"/> field.</summary>
    public static AmpFieldBinding<TOwner> StreamItems<TOwner, TItem>(string name, string member, bool optional, Func<TOwner, IAsyncEnumerable<TItem>> get, Action<TOwner, IAsyncEnumerable<TItem>> set, AmpArgumentType<TItem> type)
        where TOwner : class =>
        new(StreamFieldDescriptor<TOwner>.CreateItems(name, Key(name), member, optional, get, set, type));

    /// <summary>A list property of another collection type (<see cref="List{T}"/>, an array, ...) over a ListOf or AmpList type.</summary>
    public static AmpArgumentType<TCollection> Collection<TCollection, TElement>(AmpArgumentType<IReadOnlyList<TElement>> list)
        where TCollection : class, IEnumerable<TElement> =>
        new CollectionArgument<TCollection, TElement>(list);

    /// <summary>A copy of a digit-limited type (<see cref="BigIntegerArgument"/>, <see cref="DecimalArgument"/>, <see cref="SystemDecimalArgument"/>) with its own <c>MaxDigits</c>.</summary>
    public static AmpArgumentType<T> WithMaxDigits<T>(DigitLimitedArgumentType<T> type, int maxDigits)
    {
        ArgumentNullException.ThrowIfNull(type);
        return (AmpArgumentType<T>)((IDigitLimitedArgumentType)type).WithMaxDigits(maxDigits);
    }

    /// <summary>A record as the item of a stream: its box, as one AmpList element.</summary>
    public static AmpArgumentType<T> RecordItem<T>()
        where T : class =>
        new RecordItemArgument<T>();

    private static AmpFieldBinding<TOwner> Chunked<TOwner, TValue>(string name, string member, bool optional, int maxBytes, Func<TOwner, TValue> get, Action<TOwner, TValue> set, BigValueCodec<TValue> codec)
        where TOwner : class =>
        new(new ChunkedFieldDescriptor<TOwner, TValue>(name, Key(name), member, optional, maxBytes, get, set, codec));

    private static byte[] Key(string name) => Encoding.UTF8.GetBytes(name);
}
