using System.Buffers;
using MessagePack;

namespace Amp.MessagePack;

/// <summary>
/// A custom argument type (not part of Twisted) carrying any MessagePack-serializable value, for
/// commands between Amp.NET peers. Name it on a property with
/// <c>[AmpArgument("key", Type = typeof(MessagePackArgument&lt;T&gt;))]</c>; the value is the bytes of
/// one MessagePack value (AMP's 16-bit length prefix bounds it at 65,535 bytes).
/// </summary>
/// <typeparam name="T">The value type; it must be serializable by the resolver in the options.</typeparam>
/// <remarks>
/// A property that names this type gets the parameterless constructor, so
/// <see cref="MessagePackSerializerOptions.Standard"/>, whose resolvers build serializers for user types
/// with code emitted at run time: NativeAOT cannot run that code (docs/source-generator.md#nativeaot).
/// </remarks>
public sealed class MessagePackArgument<T> : AmpArgumentType<T>
{
    /// <summary>The shared instance, using the default options.</summary>
    public static readonly MessagePackArgument<T> Instance = new();

    /// <summary>Creates the type with <see cref="MessagePackSerializerOptions.Standard"/> and <see cref="MessagePackSecurity.UntrustedData"/>.</summary>
    public MessagePackArgument()
        : this(null)
    {
    }

    /// <summary>Creates the type with the given options.</summary>
    /// <param name="options">The serializer options, or <see langword="null"/> for <see cref="MessagePackSerializerOptions.Standard"/> with <see cref="MessagePackSecurity.UntrustedData"/>.</param>
    public MessagePackArgument(MessagePackSerializerOptions? options)
    {
        Options = options ?? MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);
    }

    /// <summary>The serializer options.</summary>
    public MessagePackSerializerOptions Options { get; }

    /// <inheritdoc/>
    public override void Write(T value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        MessagePackSerializer.Serialize(destination, value, Options);
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">The bytes are not one MessagePack value of type <typeparamref name="T"/>, or bytes follow it.</exception>
    public override T Read(ReadOnlySpan<byte> source)
    {
        // The MessagePack reader works on memory, not spans.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(source.Length);
        try
        {
            source.CopyTo(buffer);
            T result = MessagePackSerializer.Deserialize<T>(buffer.AsMemory(0, source.Length), Options, out int bytesRead);
            if (bytesRead != source.Length)
            {
                ThrowExtraBytes(source.Length - bytesRead);
            }

            return result;
        }
        catch (MessagePackSerializationException e)
        {
            throw new FormatException($"Invalid MessagePack value for {typeof(T).Name}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Kept out of Read so the common path stays small.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowExtraBytes(int count) =>
        throw new FormatException($"MessagePack value is followed by {count} extra bytes.");
}
