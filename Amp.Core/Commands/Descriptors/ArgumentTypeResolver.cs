using System.Diagnostics.CodeAnalysis;
using System.Collections.Concurrent;
using System.Numerics;
using Amp.Arguments;
using Amp.Generated;

namespace Amp.Descriptors;

/// <summary>Picks the wire type of a property: the one named by the attribute, or the default for its CLR type.</summary>
[RequiresUnreferencedCode(ReflectionFallback.Reason)]
[RequiresDynamicCode(ReflectionFallback.Reason)]
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
    /// <param name="owner">The declaring type, for messages.</param>
    /// <param name="member">The property, for messages.</param>
    /// <param name="valueType">The property's type (nullable value types unwrapped).</param>
    /// <param name="explicitType">The attribute's <see cref="AmpArgumentAttribute.Type"/>.</param>
    /// <param name="maxDigits">The attribute's <see cref="AmpArgumentAttribute.MaxDigits"/>; 0 for the type's default.</param>
    /// <exception cref="AmpDefinitionException">No wire type fits, or <paramref name="maxDigits"/> does not apply.</exception>
    public static object Resolve(Type owner, string member, Type valueType, Type? explicitType, int maxDigits)
    {
        if (maxDigits < 0)
        {
            throw new AmpDefinitionException(owner, member, $"MaxDigits is {maxDigits}; it must be at least 1, or 0 for the default");
        }

        if (explicitType is not null)
        {
            if (maxDigits != 0)
            {
                throw new AmpDefinitionException(owner, member, "MaxDigits cannot be combined with Type; set the limit in the named argument type");
            }

            return ResolveExplicit(owner, member, valueType, explicitType);
        }

        if (s_scalars.TryGetValue(valueType, out object? scalar))
        {
            return maxDigits == 0 ? scalar : WithMaxDigits(owner, member, valueType, maxDigits);
        }

        if (TryGetElementType(valueType, out Type? element))
        {
            object list = ResolveList(owner, member, element, maxDigits);
            return valueType == typeof(IReadOnlyList<>).MakeGenericType(element)
                ? list
                : Activator.CreateInstance(typeof(CollectionArgument<,>).MakeGenericType(valueType, element), list)!;
        }

        throw new AmpDefinitionException(owner, member,
            $"type {valueType.FullName} has no AMP wire type; use a supported type or name one with [AmpArgument(..., Type = typeof(...))]"
            + (IsMessagePackObject(valueType) ? $" (MessagePack: Type = typeof(MessagePackArgument<{valueType.Name}>) from the Amp.MessagePack package)" : ""));
    }

    // By name: Amp.Core does not reference MessagePack (Amp.MessagePack does).
    private static bool IsMessagePackObject(Type type) =>
        type.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "MessagePack.MessagePackObjectAttribute");

    private static object ResolveList(Type owner, string member, Type element, int maxDigits)
    {
        if (s_scalars.TryGetValue(element, out object? scalar))
        {
            object elementType = maxDigits == 0 ? scalar : WithMaxDigits(owner, member, element, maxDigits);
            return Activator.CreateInstance(typeof(ListOfArgument<>).MakeGenericType(element), elementType)!;
        }

        if (maxDigits != 0)
        {
            throw NotDigitLimited(owner, member, element);
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

    // One instance per property that asks for its own limit, made once at registration.
    private static object WithMaxDigits(Type owner, string member, Type valueType, int maxDigits) =>
        s_scalars.TryGetValue(valueType, out object? scalar) && scalar is IDigitLimitedArgumentType limited
            ? limited.WithMaxDigits(maxDigits)
            : throw NotDigitLimited(owner, member, valueType);

    private static AmpDefinitionException NotDigitLimited(Type owner, string member, Type valueType) =>
        new(owner, member, $"MaxDigits applies to BigInteger, AmpDecimal and decimal properties and lists of them, not to {valueType.FullName}");

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
