using System.Collections.Concurrent;
using System.Numerics;
using Amp.Commands.Arguments;

namespace Amp.Commands.Descriptors;

/// <summary>Picks the wire type of a property: the one named by the attribute, or the default for its CLR type.</summary>
internal static class ArgumentTypeResolver
{
    private static readonly Dictionary<Type, object> s_scalars = new()
    {
        [typeof(int)] = Int32Argument.Instance,
        [typeof(long)] = Int64Argument.Instance,
        [typeof(ulong)] = UInt64Argument.Instance,
        [typeof(BigInteger)] = BigIntegerArgument.Instance,
        [typeof(string)] = UnicodeArgument.Instance,
        [typeof(byte[])] = BytesArgument.Instance,
        [typeof(ReadOnlyMemory<byte>)] = ReadOnlyMemoryArgument.Instance,
        [typeof(bool)] = BooleanArgument.Instance,
        [typeof(double)] = DoubleArgument.Instance,
        [typeof(float)] = SingleArgument.Instance,
        [typeof(decimal)] = SystemDecimalArgument.Instance,
        [typeof(AmpDecimal)] = DecimalArgument.Instance,
        [typeof(DateTimeOffset)] = DateTimeArgument.Instance,
        [typeof(AmpDateTime)] = AmpDateTimeArgument.Instance,
        [typeof(FileInfo)] = FileInfoArgument.Instance,
    };

    private static readonly ConcurrentDictionary<Type, object> s_explicit = new();

    /// <summary>Returns an <see cref="AmpArgumentType{T}"/> for <paramref name="valueType"/>.</summary>
    /// <exception cref="AmpDefinitionException">No wire type fits.</exception>
    public static object Resolve(Type owner, string member, Type valueType, Type? explicitType)
    {
        if (explicitType is not null)
        {
            return ResolveExplicit(owner, member, valueType, explicitType);
        }

        if (s_scalars.TryGetValue(valueType, out object? scalar))
        {
            return scalar;
        }

        if (TryGetElementType(valueType, out Type? element))
        {
            object list = ResolveList(owner, member, element);
            return valueType == typeof(IReadOnlyList<>).MakeGenericType(element)
                ? list
                : Activator.CreateInstance(typeof(CollectionArgument<,>).MakeGenericType(valueType, element), list)!;
        }

        throw new AmpDefinitionException(owner, member,
            $"type {valueType.FullName} has no AMP wire type; use a supported type or name one with [AmpArgument(..., Type = typeof(...))]");
    }

    private static object ResolveList(Type owner, string member, Type element)
    {
        if (s_scalars.TryGetValue(element, out object? scalar))
        {
            return Activator.CreateInstance(typeof(ListOfArgument<>).MakeGenericType(element), scalar)!;
        }

        if (element.IsClass && element != typeof(string))
        {
            Type argument = typeof(AmpListArgument<>).MakeGenericType(element);
            try
            {
                return Activator.CreateInstance(argument)!;
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is AmpDefinitionException definition)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(definition);
                throw;
            }
        }

        throw new AmpDefinitionException(owner, member, $"list element type {element.FullName} has no AMP wire type");
    }

    private static object ResolveExplicit(Type owner, string member, Type valueType, Type explicitType)
    {
        Type expected = typeof(AmpArgumentType<>).MakeGenericType(valueType);
        if (!expected.IsAssignableFrom(explicitType))
        {
            throw new AmpDefinitionException(owner, member, $"{explicitType.FullName} is not an AmpArgumentType<{valueType.Name}>");
        }

        if (explicitType.IsAbstract || explicitType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new AmpDefinitionException(owner, member, $"{explicitType.FullName} needs a public parameterless constructor");
        }

        return s_explicit.GetOrAdd(explicitType, static t => Activator.CreateInstance(t)!);
    }

    private static bool TryGetElementType(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? element)
    {
        if (type.IsArray && type.GetArrayRank() == 1 && type != typeof(byte[]))
        {
            element = type.GetElementType()!;
            return true;
        }

        if (type.IsGenericType)
        {
            Type definition = type.GetGenericTypeDefinition();
            if (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>))
            {
                element = type.GetGenericArguments()[0];
                return true;
            }
        }

        element = null;
        return false;
    }
}
