using System.Diagnostics.CodeAnalysis;
using Amp.Boxes;
using Amp.Generated;
using Amp.Streams;

namespace Amp.Descriptors;

/// <summary>
/// The fields of a class whose properties carry <see cref="AmpArgumentAttribute"/>: a command's
/// arguments, a response, or an AmpList element. Built and validated once per type.
/// </summary>
internal sealed class RecordDescriptor<T>
    where T : class
{
    private const int MaxFields = 64;

    private static readonly Lazy<RecordDescriptor<T>> s_instance = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly FieldDescriptor<T>[] _fields;
    private readonly Func<T> _factory;
    private readonly ulong _requiredMask;
    private readonly ulong _chunkedMask;

    private RecordDescriptor(FieldDescriptor<T>[] fields, Func<T> factory)
    {
        _fields = fields;
        _factory = factory;
        for (int i = 0; i < fields.Length; i++)
        {
            if (!fields[i].Optional)
            {
                _requiredMask |= 1UL << i;
            }

            if (fields[i] is ChunkedFieldDescriptor<T>)
            {
                _chunkedMask |= 1UL << i;
            }

            HasStreams |= fields[i] is StreamFieldDescriptor<T>;
        }
    }

    /// <summary>The descriptor of <typeparamref name="T"/>.</summary>
    /// <exception cref="AmpDefinitionException">The type's declaration is invalid (thrown on every access).</exception>
    public static RecordDescriptor<T> Instance => s_instance.Value;

    /// <summary>Whether a field is a stream (the record then needs a <see cref="StreamBinder"/> to be written or read).</summary>
    public bool HasStreams { get; }

    /// <summary>The fields, sorted by key bytewise (the order they are written in).</summary>
    public IReadOnlyList<FieldDescriptor<T>> Fields => _fields;

    /// <summary>
    /// Writes the fields merged, in sorted key order, with up to two reserved entries (sorted, empty key = none)
    /// and the chunks of big values. Does not write the end marker.
    /// </summary>
    public void WriteFields(T value, BoxBuffer buffer, string context, ReadOnlySpan<byte> key1, ReadOnlySpan<byte> value1, ReadOnlySpan<byte> key2, ReadOnlySpan<byte> value2, StreamBinder? streams = null)
    {
        ChunkRuns? runs = null;
        try
        {
            foreach (FieldDescriptor<T> field in _fields)
            {
                while (!key1.IsEmpty && key1.SequenceCompareTo(field.Key) < 0)
                {
                    runs?.WriteBefore(key1, buffer);
                    buffer.WriteEntry(key1, value1);
                    key1 = key2;
                    value1 = value2;
                    key2 = default;
                }

                runs?.WriteBefore(field.Key, buffer);
                field.Write(value, buffer, context, streams, ref runs);
            }

            while (!key1.IsEmpty)
            {
                runs?.WriteBefore(key1, buffer);
                buffer.WriteEntry(key1, value1);
                key1 = key2;
                value1 = value2;
                key2 = default;
            }

            runs?.WriteRest(buffer);
        }
        finally
        {
            runs?.Dispose();
        }
    }

    /// <summary>Builds an instance from a complete box's bytes; unknown keys are ignored, as in Twisted.</summary>
    /// <exception cref="AmpArgumentException">A value is malformed or a required key is missing.</exception>
    public T Read(ReadOnlySpan<byte> box, string context, StreamBinder? streams = null)
    {
        T result = _factory();
        ulong seen = 0;
        var entries = new AmpBoxView.Enumerator(box);
        while (entries.MoveNext())
        {
            AmpBoxEntry entry = entries.Current;
            int index = IndexOf(entry.Key);
            if (index < 0)
            {
                continue;
            }

            seen |= 1UL << index;
            if (_fields[index] is not ValueFieldDescriptor<T> field)
            {
                continue; // A big value is read once the whole box is known: its chunks may come in any order.
            }

            try
            {
                field.Read(result, entry.Value, streams);
            }
            catch (Exception e) when (e is not AmpArgumentException)
            {
                throw new AmpArgumentException(context, field.Name, $"malformed value: {e.Message}", e);
            }
        }

        ulong missing = _requiredMask & ~seen;
        if (missing != 0)
        {
            int first = System.Numerics.BitOperations.TrailingZeroCount(missing);
            throw new AmpArgumentException(context, _fields[first].Name, "required key is missing");
        }

        for (ulong chunked = seen & _chunkedMask; chunked != 0; chunked &= chunked - 1)
        {
            var field = (ChunkedFieldDescriptor<T>)_fields[System.Numerics.BitOperations.TrailingZeroCount(chunked)];
            field.ReadFromBox(result, box, context);
        }

        return result;
    }

    private int IndexOf(ReadOnlySpan<byte> key)
    {
        FieldDescriptor<T>[] fields = _fields;
        for (int i = 0; i < fields.Length; i++)
        {
            byte[] candidate = fields[i].Key;
            if (candidate.Length == key.Length && key.SequenceEqual(candidate))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether the fields come from generated code (else from reflection).</summary>
    public bool IsGenerated { get; private init; }

    /// <summary>The description reflection builds (the fallback; not cached, so tests can compare it with the generated one).</summary>
    /// <exception cref="AmpDefinitionException">The type's declaration is invalid.</exception>
    [RequiresUnreferencedCode(ReflectionFallback.Reason)]
    [RequiresDynamicCode(ReflectionFallback.Reason)]
    internal static RecordDescriptor<T> BuildByReflection()
    {
        (List<FieldDescriptor<T>> fields, Func<T> factory) = RecordReflector.Describe<T>();
        return Create(fields, factory, generated: false);
    }

    private static RecordDescriptor<T> Build()
    {
        if (GeneratedRecord<T>.TryGet(out Func<T> factory, out FieldDescriptor<T>[] generated))
        {
            return Create([.. generated], factory, generated: true);
        }

        if (ReflectionFallback.IsSupported)
        {
            return BuildByReflection();
        }

        throw ReflectionFallback.NotGenerated(typeof(T));
    }

    private static RecordDescriptor<T> Create(List<FieldDescriptor<T>> fields, Func<T> factory, bool generated)
    {
        if (fields.Count > MaxFields)
        {
            throw new AmpDefinitionException(typeof(T), null, $"has {fields.Count} AMP fields; at most {MaxFields} are supported");
        }

        CheckChunkKeys(typeof(T), fields);
        fields.Sort(static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        return new RecordDescriptor<T>(fields.ToArray(), factory) { IsGenerated = generated };
    }

    /// <summary>A big value's name must leave room for its chunk keys, and no other field may be named as one of them.</summary>
    private static void CheckChunkKeys(Type type, List<FieldDescriptor<T>> fields)
    {
        foreach (FieldDescriptor<T> big in fields)
        {
            if (big is not ChunkedFieldDescriptor<T>)
            {
                continue;
            }

            if (big.Key.Length > ChunkKeys.MaxNameLength)
            {
                throw new AmpDefinitionException(type, big.MemberName,
                    $"the wire name of a big value is {big.Key.Length} bytes long; at most {ChunkKeys.MaxNameLength} leave room for its chunk keys (name.2, name.3, ...)");
            }

            foreach (FieldDescriptor<T> other in fields)
            {
                if (ChunkKeys.ParseIndex(other.Key, big.Key) != 0)
                {
                    throw new AmpDefinitionException(type, other.MemberName, $"wire name '{other.Name}' is a chunk key of the big value '{big.Name}'");
                }
            }
        }
    }
}
