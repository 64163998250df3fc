using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Amp.Boxes;
using Amp.Streams;

namespace Amp.Commands.Descriptors;

/// <summary>What is known about a command type: wire name, arguments, response and declared errors.</summary>
internal abstract class CommandDescriptor
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
        Type? responseType = null;
        foreach (Type implemented in commandType.GetInterfaces())
        {
            if (implemented.IsGenericType && implemented.GetGenericTypeDefinition() == typeof(IAmpCommand<>))
            {
                if (responseType is not null)
                {
                    throw new AmpDefinitionException(commandType, null, "implements IAmpCommand<> more than once");
                }

                responseType = implemented.GetGenericArguments()[0];
            }
        }

        if (typeof(IAmpProtocolSwitchCommand).IsAssignableFrom(commandType))
        {
            if (responseType is not null)
            {
                throw new AmpDefinitionException(commandType, null, "a protocol-switch command must not also implement IAmpCommand<>: it is called with SwitchProtocolAsync, never CallRemoteAsync");
            }

            responseType = typeof(AmpEmptyResponse);
        }

        if (responseType is null || !commandType.IsClass)
        {
            throw new AmpDefinitionException(commandType, null, "a command must be a class implementing IAmpCommand<TResponse> (or IAmpProtocolSwitchCommand)");
        }

        var create = typeof(CommandDescriptor<,>).MakeGenericType(commandType, responseType)
            .GetMethod(nameof(CommandDescriptor<AmpEmptyCommand, AmpEmptyResponse>.Create), BindingFlags.Static | BindingFlags.NonPublic)!;
        try
        {
            return (CommandDescriptor)create.Invoke(null, null)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    internal static (string Name, bool RequiresAnswer, ErrorDescriptor[] Errors) ReadDeclaration(Type commandType)
    {
        AmpCommandAttribute? command = commandType.GetCustomAttribute<AmpCommandAttribute>();
        string name = command?.Name ?? commandType.Name;
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > ushort.MaxValue)
        {
            throw new AmpDefinitionException(commandType, null, "the command name must be 1 to 65535 bytes");
        }

        var errors = new List<ErrorDescriptor>();
        var codes = new Dictionary<string, Type>(StringComparer.Ordinal);
        for (Type? type = commandType; type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (AmpErrorAttribute attribute in type.GetCustomAttributes<AmpErrorAttribute>(inherit: false))
            {
                if (codes.TryGetValue(attribute.Code, out Type? declaredBy))
                {
                    if (declaredBy == type)
                    {
                        throw new AmpDefinitionException(commandType, null, $"error code '{attribute.Code}' is declared twice");
                    }

                    continue; // A subclass redeclared its base's code: the subclass wins.
                }

                codes.Add(attribute.Code, type);
                errors.Add(ErrorDescriptor.From(commandType, attribute));
            }
        }

        return (name, command?.RequiresAnswer ?? true, errors.ToArray());
    }

    /// <summary>Only used to name the generic factory method.</summary>
    private sealed class AmpEmptyCommand : IAmpCommand<AmpEmptyResponse>;
}

/// <summary>The part of a command's description that depends only on its response type.</summary>
internal abstract class CommandDescriptor<TResponse> : CommandDescriptor
    where TResponse : class
{
    protected CommandDescriptor(Type commandType, string name, bool requiresAnswer, ErrorDescriptor[] errors)
        : base(commandType, name, requiresAnswer, errors)
    {
        Response = RecordDescriptor<TResponse>.Instance;
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
    private CommandDescriptor(string name, bool requiresAnswer, ErrorDescriptor[] errors)
        : base(typeof(TCommand), name, requiresAnswer, errors)
    {
        Arguments = RecordDescriptor<TCommand>.Instance;
    }

    public RecordDescriptor<TCommand> Arguments { get; }

    public static CommandDescriptor<TCommand, TResponse> Instance => (CommandDescriptor<TCommand, TResponse>)For(typeof(TCommand));

    public override bool ArgumentsHaveStreams => Arguments.HasStreams;

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

    internal static CommandDescriptor Create()
    {
        var (name, requiresAnswer, errors) = ReadDeclaration(typeof(TCommand));
        return new CommandDescriptor<TCommand, TResponse>(name, requiresAnswer, errors);
    }
}
