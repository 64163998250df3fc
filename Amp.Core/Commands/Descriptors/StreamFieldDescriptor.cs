using System.IO.Pipelines;
using Amp.Boxes;
using Amp.Streams;

namespace Amp.Descriptors;

/// <summary>
/// A <see cref="Stream"/> or <see cref="PipeReader"/> property: on the wire, the id of a stream the box
/// announces (spec/amp-wire.md §15.3); its bytes follow in chunk boxes. Sending needs the streams extension.
/// </summary>
internal sealed class StreamFieldDescriptor<TOwner> : ValueFieldDescriptor<TOwner>
    where TOwner : class
{
    private readonly Func<TOwner, Stream?> _getSource;
    private readonly Action<TOwner, IncomingStream> _set;
    private readonly bool _sourceIsWrapper;

    private StreamFieldDescriptor(string name, byte[] key, string memberName, bool optional, Func<TOwner, Stream?> getSource, Action<TOwner, IncomingStream> set, bool sourceIsWrapper)
        : base(name, key, memberName, optional)
    {
        _getSource = getSource;
        _set = set;
        _sourceIsWrapper = sourceIsWrapper;
    }

    /// <summary>Whether <paramref name="type"/> is a stream type a field may have: <see cref="Stream"/>, <see cref="PipeReader"/> or <see cref="IAsyncEnumerable{T}"/>.</summary>
    public static bool IsStreamType(Type type) =>
        type == typeof(Stream) || type == typeof(PipeReader) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>));

    /// <summary>A <see cref="Stream"/> or <see cref="PipeReader"/> field.</summary>
    public static StreamFieldDescriptor<TOwner> Create<TValue>(string name, byte[] key, string memberName, bool optional, Func<TOwner, TValue> get, Action<TOwner, TValue> set)
        where TValue : class
    {
        if (typeof(TValue) == typeof(PipeReader))
        {
            return new StreamFieldDescriptor<TOwner>(name, key, memberName, optional,
                owner => (get(owner) as PipeReader)?.AsStream(leaveOpen: true),
                (owner, stream) => set(owner, (TValue)(object)stream),
                sourceIsWrapper: true);
        }

        return new StreamFieldDescriptor<TOwner>(name, key, memberName, optional,
            owner => get(owner) as Stream,
            (owner, stream) => set(owner, (TValue)(object)stream.ApplicationStream),
            sourceIsWrapper: false);
    }

    /// <summary>An <see cref="IAsyncEnumerable{T}"/> field: items of <paramref name="type"/>, each a ListOf element in the stream's bytes.</summary>
    public static StreamFieldDescriptor<TOwner> CreateItems<TItem>(string name, byte[] key, string memberName, bool optional, Func<TOwner, IAsyncEnumerable<TItem>> get, Action<TOwner, IAsyncEnumerable<TItem>> set, AmpArgumentType<TItem> type) =>
        new(name, key, memberName, optional,
            owner => get(owner) is { } items ? new ItemStreamSource<TItem>(items, type) : null,
            (owner, stream) => set(owner, new ItemStreamReader<TItem>(stream, type)),
            sourceIsWrapper: true);

    public override void Write(TOwner owner, BoxBuffer buffer, string context, StreamBinder? streams, ref ChunkRuns? runs)
    {
        Stream? source = _getSource(owner);
        if (source is null)
        {
            if (Optional)
            {
                return;
            }

            throw Missing(context);
        }

        if (streams is null)
        {
            throw new AmpArgumentException(context, Name, "is a stream; streams travel only in calls made with CallRemoteAsync and in their answers");
        }

        if (!source.CanRead)
        {
            throw new AmpArgumentException(context, Name, "is a stream that cannot be read");
        }

        buffer.WriteKey(Key);
        int start = buffer.BeginValue();
        StreamBoxes.WriteIdValue(buffer, streams.Bind(source, _sourceIsWrapper));
        buffer.EndValue(start);
    }

    public override void Read(TOwner owner, ReadOnlySpan<byte> value, StreamBinder? streams)
    {
        if (streams is null)
        {
            throw new FormatException("a stream field can only be read from a connection that agreed to the streams extension");
        }

        if (!StreamBoxes.TryParseId(value, out ulong id))
        {
            throw new FormatException("not a stream id");
        }

        _set(owner, streams.Claim(id));
    }
}
