using System.IO.Pipelines;
using Amp.Boxes;
using Amp.Streams;

namespace Amp.Commands.Descriptors;

/// <summary>
/// A <see cref="Stream"/> or <see cref="PipeReader"/> property: on the wire, the id of a stream the box
/// announces (spec/amp-wire.md §15.3); its bytes follow in chunk boxes. Sending needs the streams extension.
/// </summary>
internal sealed class StreamFieldDescriptor<TOwner> : FieldDescriptor<TOwner>
    where TOwner : class
{
    private readonly Func<TOwner, object?> _get;
    private readonly Action<TOwner, IncomingStream> _set;

    private StreamFieldDescriptor(string name, byte[] key, string memberName, bool optional, Func<TOwner, object?> get, Action<TOwner, IncomingStream> set)
        : base(name, key, memberName, optional)
    {
        _get = get;
        _set = set;
    }

    /// <summary>Whether <paramref name="type"/> is a stream type a field may have.</summary>
    public static bool IsStreamType(Type type) => type == typeof(Stream) || type == typeof(PipeReader);

    public static StreamFieldDescriptor<TOwner> Create<TValue>(string name, byte[] key, string memberName, bool optional, Func<TOwner, TValue> get, Action<TOwner, TValue> set)
        where TValue : class
    {
        Action<TOwner, IncomingStream> store = typeof(TValue) == typeof(PipeReader)
            ? (owner, stream) => set(owner, (TValue)(object)stream)
            : (owner, stream) => set(owner, (TValue)(object)stream.ApplicationStream);
        return new StreamFieldDescriptor<TOwner>(name, key, memberName, optional, owner => get(owner), store);
    }

    public override void Write(TOwner owner, BoxBuffer buffer, string context, StreamBinder? streams)
    {
        object? value = _get(owner);
        if (value is null)
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

        Stream source = value as Stream ?? ((PipeReader)value).AsStream(leaveOpen: true);
        if (!source.CanRead)
        {
            throw new AmpArgumentException(context, Name, "is a stream that cannot be read");
        }

        buffer.WriteKey(Key);
        int start = buffer.BeginValue();
        StreamBoxes.WriteIdValue(buffer, streams.Bind(source));
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
