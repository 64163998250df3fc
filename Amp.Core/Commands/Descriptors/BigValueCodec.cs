using System.Buffers;
using System.Text;
using Amp.Boxes;

namespace Amp.Descriptors;

/// <summary>Turns a big value's property into bytes to write and assembled chunks back into the property's value.</summary>
/// <typeparam name="TValue">The property's type.</typeparam>
internal abstract class BigValueCodec<TValue>
{
    /// <summary>The value's bytes; <see langword="false"/> when the value is absent (null).</summary>
    /// <param name="value">The property's value.</param>
    /// <param name="bytes">The bytes to send.</param>
    /// <param name="rented">A pooled array holding them, to return once they are written; null if none.</param>
    /// <exception cref="ArgumentException">The value has no wire form.</exception>
    public abstract bool TryGetBytes(TValue value, out ReadOnlyMemory<byte> bytes, out byte[]? rented);

    /// <summary>Builds the value from its chunks.</summary>
    /// <exception cref="FormatException">The assembled bytes are not a valid value.</exception>
    public abstract TValue Create(in ChunkList chunks);
}

/// <summary>The codecs of the big value types, by argument type and property type.</summary>
internal static class BigValueCodecs
{
    public static readonly BigValueCodec<byte[]> ByteArray = new ByteArrayCodec();
    public static readonly BigValueCodec<ReadOnlyMemory<byte>> Memory = new MemoryCodec();
    public static readonly BigValueCodec<ReadOnlyMemory<byte>?> NullableMemory = new NullableMemoryCodec();
    public static readonly BigValueCodec<string> Text = new TextCodec();

    /// <summary>The codec for <paramref name="propertyType"/> under <paramref name="argumentType"/>, or <see langword="null"/> if it does not carry that type.</summary>
    public static object? For(Type argumentType, Type propertyType) =>
        argumentType == typeof(Arguments.BigUnicodeArgument)
            ? (propertyType == typeof(string) ? Text : null)
            : propertyType == typeof(byte[]) ? ByteArray
            : propertyType == typeof(ReadOnlyMemory<byte>) ? Memory
            : propertyType == typeof(ReadOnlyMemory<byte>?) ? NullableMemory
            : null;

    private static byte[] Assemble(in ChunkList chunks)
    {
        byte[] bytes = chunks.Length == 0 ? [] : GC.AllocateUninitializedArray<byte>(chunks.Length);
        chunks.CopyTo(bytes);
        return bytes;
    }

    private sealed class ByteArrayCodec : BigValueCodec<byte[]>
    {
        public override bool TryGetBytes(byte[] value, out ReadOnlyMemory<byte> bytes, out byte[]? rented)
        {
            bytes = value;
            rented = null;
            return value is not null;
        }

        public override byte[] Create(in ChunkList chunks) => Assemble(chunks);
    }

    private sealed class MemoryCodec : BigValueCodec<ReadOnlyMemory<byte>>
    {
        public override bool TryGetBytes(ReadOnlyMemory<byte> value, out ReadOnlyMemory<byte> bytes, out byte[]? rented)
        {
            bytes = value;
            rented = null;
            return true;
        }

        public override ReadOnlyMemory<byte> Create(in ChunkList chunks) => Assemble(chunks);
    }

    private sealed class NullableMemoryCodec : BigValueCodec<ReadOnlyMemory<byte>?>
    {
        public override bool TryGetBytes(ReadOnlyMemory<byte>? value, out ReadOnlyMemory<byte> bytes, out byte[]? rented)
        {
            bytes = value.GetValueOrDefault();
            rented = null;
            return value.HasValue;
        }

        public override ReadOnlyMemory<byte>? Create(in ChunkList chunks) => Assemble(chunks);
    }

    /// <summary>UTF-8, strict both ways as <see cref="Arguments.UnicodeArgument"/>; chunks may split a character.</summary>
    private sealed class TextCodec : BigValueCodec<string>
    {
        private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        public override bool TryGetBytes(string value, out ReadOnlyMemory<byte> bytes, out byte[]? rented)
        {
            if (value is null)
            {
                bytes = default;
                rented = null;
                return false;
            }

            int count;
            try
            {
                count = Strict.GetByteCount(value);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException("The string holds a lone surrogate, which has no UTF-8 form.", nameof(value), e);
            }

            rented = ArrayPool<byte>.Shared.Rent(Math.Max(count, 1));
            bytes = rented.AsMemory(0, Strict.GetBytes(value, rented));
            return true;
        }

        public override string Create(in ChunkList chunks)
        {
            byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(chunks.Length, 1));
            try
            {
                Span<byte> bytes = rented.AsSpan(0, chunks.Length);
                chunks.CopyTo(bytes);
                return Strict.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new FormatException($"Invalid UTF-8 at byte {e.Index} of a text of {chunks.Length} bytes assembled from {chunks.Count} chunks.", e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
