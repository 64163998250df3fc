using Amp.Boxes;
using Amp.Streams;

namespace Amp.Descriptors;

/// <summary>One property of a command, response or AmpList element, bound to its box key and wire type.</summary>
internal abstract class FieldDescriptor<TOwner>
    where TOwner : class
{
    protected FieldDescriptor(string name, byte[] key, string memberName, bool optional)
    {
        Name = name;
        Key = key;
        MemberName = memberName;
        Optional = optional;
    }

    /// <summary>The wire name.</summary>
    public string Name { get; }

    /// <summary>The wire name's bytes.</summary>
    public byte[] Key { get; }

    public string MemberName { get; }

    public bool Optional { get; }

    /// <summary>Writes the key and value; writes nothing for an absent optional value.</summary>
    /// <param name="owner">The object whose property is written.</param>
    /// <param name="buffer">The box being written.</param>
    /// <param name="context">The command's name, for messages.</param>
    /// <param name="streams">Binds stream fields to the connection; <see langword="null"/> outside a connection's call or answer.</param>
    /// <param name="runs">
    /// Where a big value leaves its chunks after the first, for the record to merge into its key order;
    /// created by the first big value over 65,535 bytes.
    /// </param>
    /// <exception cref="AmpArgumentException">A required value is missing, or the value has no wire form or is too long.</exception>
    public abstract void Write(TOwner owner, BoxBuffer buffer, string context, StreamBinder? streams, ref ChunkRuns? runs);

    protected AmpArgumentException Missing(string context) =>
        new(context, Name, "required value is missing (null)");
}

/// <summary>A field whose value is one box value, read and written by an <see cref="AmpArgumentType{T}"/>.</summary>
internal abstract class ValueFieldDescriptor<TOwner> : FieldDescriptor<TOwner>
    where TOwner : class
{
    protected ValueFieldDescriptor(string name, byte[] key, string memberName, bool optional)
        : base(name, key, memberName, optional)
    {
    }

    /// <summary>Parses the value and stores it.</summary>
    /// <param name="owner">The object whose property is set.</param>
    /// <param name="value">The value's bytes.</param>
    /// <param name="streams">Claims announced streams for stream fields; <see langword="null"/> outside a connection.</param>
    /// <exception cref="FormatException">The value is malformed (argument types may throw other exceptions too).</exception>
    public abstract void Read(TOwner owner, ReadOnlySpan<byte> value, StreamBinder? streams);

    protected void WriteValue<T>(AmpArgumentType<T> type, T value, BoxBuffer buffer, string context)
    {
        buffer.WriteKey(Key);
        int start = buffer.BeginValue();
        try
        {
            type.Write(value, buffer);
        }
        catch (Exception e) when (e is not AmpException)
        {
            throw new AmpArgumentException(context, Name, $"cannot be written: {e.Message}", e);
        }

        int length = buffer.EndValue(start);
        if (length > AmpLimits.WireMaxValueLength)
        {
            throw new AmpArgumentException(context, Name,
                $"value of {length} bytes exceeds the wire limit of {AmpLimits.WireMaxValueLength} (a byte or text property declared with "
                + "Type = typeof(BigStringArgument) or typeof(BigUnicodeArgument) is sent in chunks, if the peer reads it so)");
        }
    }
}

/// <summary>A field whose property type is the argument type's own type (reference types, non-nullable value types).</summary>
internal sealed class FieldDescriptor<TOwner, TValue> : ValueFieldDescriptor<TOwner>
    where TOwner : class
{
    private readonly Func<TOwner, TValue> _get;
    private readonly Action<TOwner, TValue> _set;
    private readonly AmpArgumentType<TValue> _type;

    public FieldDescriptor(string name, byte[] key, string memberName, bool optional, Func<TOwner, TValue> get, Action<TOwner, TValue> set, AmpArgumentType<TValue> type)
        : base(name, key, memberName, optional)
    {
        _get = get;
        _set = set;
        _type = type;
    }

    public override void Write(TOwner owner, BoxBuffer buffer, string context, StreamBinder? streams, ref ChunkRuns? runs)
    {
        TValue value = _get(owner);
        if (value is null)
        {
            if (Optional)
            {
                return;
            }

            throw Missing(context);
        }

        WriteValue(_type, value, buffer, context);
    }

    public override void Read(TOwner owner, ReadOnlySpan<byte> value, StreamBinder? streams) => _set(owner, _type.Read(value));
}

/// <summary>An optional field whose property is a <see cref="Nullable{T}"/>.</summary>
internal sealed class NullableFieldDescriptor<TOwner, TValue> : ValueFieldDescriptor<TOwner>
    where TOwner : class
    where TValue : struct
{
    private readonly Func<TOwner, TValue?> _get;
    private readonly Action<TOwner, TValue?> _set;
    private readonly AmpArgumentType<TValue> _type;

    public NullableFieldDescriptor(string name, byte[] key, string memberName, Func<TOwner, TValue?> get, Action<TOwner, TValue?> set, AmpArgumentType<TValue> type)
        : base(name, key, memberName, optional: true)
    {
        _get = get;
        _set = set;
        _type = type;
    }

    public override void Write(TOwner owner, BoxBuffer buffer, string context, StreamBinder? streams, ref ChunkRuns? runs)
    {
        TValue? value = _get(owner);
        if (value.HasValue)
        {
            WriteValue(_type, value.GetValueOrDefault(), buffer, context);
        }
    }

    public override void Read(TOwner owner, ReadOnlySpan<byte> value, StreamBinder? streams) => _set(owner, _type.Read(value));
}
