using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using Amp.Generated;

namespace Amp.Descriptors;

/// <summary>The reflection fallback: a command type's declaration read from its attributes and interfaces.</summary>
internal abstract partial class CommandDescriptor
{
    /// <summary>Describes a command type by reflection (the fallback for types the generator did not see).</summary>
    [RequiresUnreferencedCode(ReflectionFallback.Reason)]
    [RequiresDynamicCode(ReflectionFallback.Reason)]
    internal static CommandDescriptor BuildByReflection(Type commandType)
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
            .GetMethod(nameof(CommandDescriptor<AmpEmptyCommand, AmpEmptyResponse>.CreateFallback), BindingFlags.Static | BindingFlags.NonPublic)!;
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

    [RequiresUnreferencedCode(ReflectionFallback.Reason)]
    [RequiresDynamicCode(ReflectionFallback.Reason)]
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
