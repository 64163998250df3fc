using System.Collections.Concurrent;
using Amp.Descriptors;

namespace Amp.Generated;

/// <summary>The commands and responder classes that generated code registered, by type.</summary>
internal static class GeneratedCatalog
{
    private static readonly ConcurrentDictionary<Type, Func<CommandDescriptor>> s_commands = new();
    private static readonly ConcurrentDictionary<Type, Action<object, AmpResponders>> s_responders = new();

    public static void AddCommand(Type commandType, Func<CommandDescriptor> create) => s_commands[commandType] = create;

    public static void AddResponders(Type targetType, Action<object, AmpResponders> add) => s_responders[targetType] = add;

    /// <summary>The generated description of a command type, or <see langword="null"/>.</summary>
    public static CommandDescriptor? CreateCommand(Type commandType)
    {
        if (!s_commands.TryGetValue(commandType, out Func<CommandDescriptor>? create))
        {
            ReflectionFallback.EnsureRegistered(commandType);
            if (!s_commands.TryGetValue(commandType, out create))
            {
                return null;
            }
        }

        return create();
    }

    /// <summary>
    /// The generated binder of a responder class's <see cref="AmpResponderAttribute"/> methods, or
    /// <see langword="null"/>: the class's own, or with <paramref name="orBase"/> the nearest base class's
    /// (whose methods are all the generator saw when the class itself declares none).
    /// </summary>
    public static Action<object, AmpResponders>? FindResponders(Type targetType, bool orBase)
    {
        for (Type? type = targetType; type is not null && type != typeof(object); type = orBase ? type.BaseType : null)
        {
            if (s_responders.TryGetValue(type, out Action<object, AmpResponders>? add))
            {
                return add;
            }

            ReflectionFallback.EnsureRegistered(type);
            if (s_responders.TryGetValue(type, out add))
            {
                return add;
            }
        }

        return null;
    }
}
