using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Amp.Boxes;
using Amp.Generated;
using Amp.Streams;

namespace Amp.Descriptors;

/// <summary>What is known about a command type: wire name, arguments, response and declared errors.</summary>
internal abstract partial class CommandDescriptor
{
    private static readonly ConcurrentDictionary<Type, Lazy<CommandDescriptor>> s_cache = new();

    protected CommandDescriptor(Type commandType, string name, bool requiresAnswer, ErrorDescriptor[] errors)
    {
        CommandType = commandType;
        Name = name;
        NameBytes = Encoding.UTF8.GetBytes(name);
        RequiresAnswer = requiresAnswer;
        Errors = errors;
    }

    public Type CommandType { get; }

    public string Name { get; }

    public byte[] NameBytes { get; }

    public bool RequiresAnswer { get; }

    /// <summary>Whether the description comes from generated code (else from reflection).</summary>
    public abstract bool IsGenerated { get; }

    /// <summary>Whether the arguments have a stream field (calls need the streams extension).</summary>
    public abstract bool ArgumentsHaveStreams { get; }

    /// <summary>Whether the response has a stream field (answers need the streams extension).</summary>
    public abstract bool ResponseHasStreams { get; }

    /// <summary>Writes a call box (<c>_ask</c> only when <paramref name="tag"/> is given).</summary>
    public abstract void WriteCall(object command, AmpTag? tag, BoxBuffer buffer, StreamBinder? streams = null);

    /// <summary>Declared errors, most derived declarations first.</summary>
    public ErrorDescriptor[] Errors { get; }

    /// <summary>The descriptor of a command type, built and validated on first use.</summary>
    /// <exception cref="AmpDefinitionException">The declaration is invalid.</exception>
    public static CommandDescriptor For(Type commandType) =>
        s_cache.GetOrAdd(commandType, static t => new Lazy<CommandDescriptor>(() => Build(t))).Value;

    /// <summary>
    /// Makes <paramref name="descriptor"/> the description of <paramref name="commandType"/> from now on (before
    /// any connection uses the type): benchmarks compare the reflection path with the generated one this way.
    /// </summary>
    internal static void SetForBenchmarks(Type commandType, CommandDescriptor descriptor) =>
        s_cache[commandType] = new Lazy<CommandDescriptor>(descriptor);

    /// <summary>The exception a caller gets for an error box.</summary>
    public Exception MapRemoteError(string code, string description)
    {
        foreach (ErrorDescriptor error in Errors)
        {
            if (error.Code == code)
            {
                return error.Create(description);
            }
        }

        return code switch
        {
            AmpErrorCodes.Unhandled => new AmpUnhandledCommandException(description, Name),
            AmpErrorCodes.LayerChangeConflict => new AmpLayerChangeConflictException(description, Name),
            _ => new AmpRemoteException(code, description, Name),
        };
    }

    /// <summary>The declared error a responder's exception maps to, if any (first match, subclasses included).</summary>
    public ErrorDescriptor? FindDeclaredError(Exception exception)
    {
        foreach (ErrorDescriptor error in Errors)
        {
            if (error.ExceptionType.IsInstanceOfType(exception))
            {
                return error;
            }
        }

        return null;
    }

    private static CommandDescriptor Build(Type commandType)
    {
        if (GeneratedCatalog.CreateCommand(commandType) is { } generated)
        {
            return generated;
        }

        if (ReflectionFallback.IsSupported)
        {
            return BuildByReflection(commandType);
        }

        throw ReflectionFallback.NotGenerated(commandType);
    }

}

/// <summary>The part of a command's description that depends only on its response type.</summary>
internal abstract class CommandDescriptor<TResponse> : CommandDescriptor
    where TResponse : class
{
    protected CommandDescriptor(Type commandType, string name, bool requiresAnswer, ErrorDescriptor[] errors, RecordDescriptor<TResponse> response)
        : base(commandType, name, requiresAnswer, errors)
    {
        Response = response;
    }

    public RecordDescriptor<TResponse> Response { get; }


    public override bool ResponseHasStreams => Response.HasStreams;

    public TResponse ReadResponse(ReadOnlySpan<byte> box, StreamBinder? streams = null) => Response.Read(box, Name, streams);

    /// <summary>Writes an answer box for <paramref name="tag"/>.</summary>
    public void WriteAnswer(TResponse response, ReadOnlySpan<byte> tag, BoxBuffer buffer, StreamBinder? streams = null)
    {
        Response.WriteFields(response, buffer, Name, ReservedKeys.Answer, tag, default, default, streams);
        streams?.WriteAnnouncement(buffer);
        buffer.WriteEnd();
    }
}

/// <summary>A command type's full description.</summary>
internal sealed class CommandDescriptor<TCommand, TResponse> : CommandDescriptor<TResponse>
    where TCommand : class
    where TResponse : class
{
    private CommandDescriptor(string name, bool requiresAnswer, ErrorDescriptor[] errors, RecordDescriptor<TCommand> arguments, RecordDescriptor<TResponse> response)
        : base(typeof(TCommand), name, requiresAnswer, errors, response)
    {
        Arguments = arguments;
    }

    public RecordDescriptor<TCommand> Arguments { get; }

    public static CommandDescriptor<TCommand, TResponse> Instance => (CommandDescriptor<TCommand, TResponse>)For(typeof(TCommand));

    public override bool ArgumentsHaveStreams => Arguments.HasStreams;

    public override bool IsGenerated => Arguments.IsGenerated && Response.IsGenerated;

    public override void WriteCall(object command, AmpTag? tag, BoxBuffer buffer, StreamBinder? streams = null)
    {
        Span<byte> tagBytes = stackalloc byte[16];
        int tagLength = tag is { } t ? t.Format(tagBytes) : 0;
        if (tagLength > 0)
        {
            Arguments.WriteFields((TCommand)command, buffer, Name, ReservedKeys.Ask, tagBytes.Slice(0, tagLength), ReservedKeys.Command, NameBytes, streams);
        }
        else
        {
            Arguments.WriteFields((TCommand)command, buffer, Name, ReservedKeys.Command, NameBytes, default, default, streams);
        }

        streams?.WriteAnnouncement(buffer);
        buffer.WriteEnd();
    }

    public TCommand ReadArguments(ReadOnlySpan<byte> box, StreamBinder? streams = null) => Arguments.Read(box, Name, streams);

    /// <summary>The description registered by generated code (its records too, if they were registered).</summary>
    internal static CommandDescriptor<TCommand, TResponse> CreateGenerated(string name, bool requiresAnswer, ErrorDescriptor[] errors) =>
        new(name, requiresAnswer, errors, RecordDescriptor<TCommand>.Instance, RecordDescriptor<TResponse>.Instance);

    /// <summary>The description reflection builds, records included (not cached: tests compare it with the generated one).</summary>
    [RequiresUnreferencedCode(ReflectionFallback.Reason)]
    [RequiresDynamicCode(ReflectionFallback.Reason)]
    internal static CommandDescriptor<TCommand, TResponse> CreateByReflection()
    {
        var (name, requiresAnswer, errors) = ReadDeclaration(typeof(TCommand));
        return new(name, requiresAnswer, errors, RecordDescriptor<TCommand>.BuildByReflection(), RecordDescriptor<TResponse>.BuildByReflection());
    }

    /// <summary>The reflection fallback's description: records come from <see cref="RecordDescriptor{T}.Instance"/>, generated where registered.</summary>
    [RequiresUnreferencedCode(ReflectionFallback.Reason)]
    [RequiresDynamicCode(ReflectionFallback.Reason)]
    internal static CommandDescriptor CreateFallback()
    {
        var (name, requiresAnswer, errors) = ReadDeclaration(typeof(TCommand));
        return new CommandDescriptor<TCommand, TResponse>(name, requiresAnswer, errors, RecordDescriptor<TCommand>.Instance, RecordDescriptor<TResponse>.Instance);
    }
}
