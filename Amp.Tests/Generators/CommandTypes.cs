using System.Reflection;
using Amp.Descriptors;

namespace Amp.Tests.Generators;

/// <summary>Every command type of this test suite and of the libraries and samples it runs: what the generator had to compile.</summary>
internal static class CommandTypes
{
    private static readonly Assembly[] s_assemblies =
    [
        typeof(AmpConnection).Assembly, typeof(Amp.Tls.StartTls).Assembly, typeof(Amp.Compression.StartCompression).Assembly,
        typeof(Amp.Samples.Chat.Commands.Join).Assembly, typeof(CommandTypes).Assembly,
    ];

    public static IEnumerable<Type> All() =>
        s_assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && !t.IsAbstract && !t.ContainsGenericParameters && ResponseType(t) is not null)
            .Where(t => t.DeclaringType != typeof(ReflectionFallbackTests)) // described there first, with the fallback off
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary>The response type (AmpEmptyResponse for a protocol switch), or null for a type that is no command.</summary>
    public static Type? ResponseType(Type type)
    {
        Type[] responses = [.. type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAmpCommand<>)).Select(i => i.GetGenericArguments()[0])];
        return responses.Length == 1 ? responses[0]
            : responses.Length == 0 && typeof(IAmpProtocolSwitchCommand).IsAssignableFrom(type) ? typeof(AmpEmptyResponse)
            : null;
    }

    /// <summary>Whether generated code can name the type: not nested inside a private or protected class, not generic.</summary>
    public static bool IsReachable(Type type)
    {
        for (Type? t = type; t is not null; t = t.DeclaringType)
        {
            if (t.IsGenericType || (t.IsNested && !(t.IsNestedPublic || t.IsNestedAssembly || t.IsNestedFamORAssem)) || (!t.IsNested && !t.IsPublic && !t.IsNotPublic))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The reflection path's description of the command (records included, none cached), or the reason it refuses the declaration.</summary>
    public static (CommandDescriptor? Descriptor, AmpDefinitionException? Refused) Reflect(Type command)
    {
        MethodInfo create = typeof(CommandDescriptor<,>).MakeGenericType(command, ResponseType(command)!)
            .GetMethod("CreateByReflection", BindingFlags.Static | BindingFlags.NonPublic)!;
        try
        {
            CommandDescriptor.BuildByReflection(command); // the declaration's own checks (interfaces, name, errors)
            return ((CommandDescriptor)create.Invoke(null, null)!, null);
        }
        catch (AmpDefinitionException refused)
        {
            return (null, refused);
        }
        catch (TargetInvocationException e) when (e.InnerException is AmpDefinitionException refused)
        {
            return (null, refused);
        }
    }
}
