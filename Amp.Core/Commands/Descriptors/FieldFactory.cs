using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using Amp.Arguments;
using Amp.Generated;

namespace Amp.Descriptors;

/// <summary>Builds a <see cref="FieldDescriptor{TOwner}"/> for one attributed property.</summary>
[RequiresUnreferencedCode(ReflectionFallback.Reason)]
[RequiresDynamicCode(ReflectionFallback.Reason)]
internal static class FieldFactory
{
    public static FieldDescriptor<T> Create<T>(Type owner, PropertyInfo property, AmpArgumentAttribute attribute, byte[] key, NullabilityInfoContext nullability)
        where T : class
    {
        if (property.GetMethod is not { IsPublic: true } || property.SetMethod is not { IsPublic: true })
        {
            throw new AmpDefinitionException(owner, property.Name, "needs a public getter and a public setter (set or init)");
        }

        Type propertyType = property.PropertyType;
        if (StreamFieldDescriptor<T>.IsStreamType(propertyType))
        {
            return CreateStreamField<T>(owner, property, attribute, key, nullability);
        }

        bool optional = IsOptional(owner, property, attribute, nullability);
        Delegate getter = CompileGetter(typeof(T), property);
        Delegate setter = CompileSetter(typeof(T), property);
        if (attribute.Type == typeof(BigStringArgument) || attribute.Type == typeof(BigUnicodeArgument))
        {
            return CreateChunked<T>(owner, property, attribute, key, optional, getter, setter);
        }

        if (attribute.MaxBytes != 0)
        {
            throw new AmpDefinitionException(owner, property.Name, "MaxBytes applies only to big values: Type = typeof(BigStringArgument) or typeof(BigUnicodeArgument)");
        }

        Type? underlying = Nullable.GetUnderlyingType(propertyType);
        object argumentType = ArgumentTypeResolver.Resolve(owner, property.Name, underlying ?? propertyType, attribute.Type, attribute.MaxDigits);
        if (underlying is not null)
        {
            Type descriptorType = typeof(NullableFieldDescriptor<,>).MakeGenericType(typeof(T), underlying);
            return (FieldDescriptor<T>)Activator.CreateInstance(descriptorType, attribute.Name, key, property.Name, getter, setter, argumentType)!;
        }

        Type fieldType = typeof(FieldDescriptor<,>).MakeGenericType(typeof(T), propertyType);
        return (FieldDescriptor<T>)Activator.CreateInstance(fieldType, attribute.Name, key, property.Name, optional, getter, setter, argumentType)!;
    }

    /// <summary>A nullable value type is optional; a reference type when annotated nullable or marked Optional.</summary>
    private static bool IsOptional(Type owner, PropertyInfo property, AmpArgumentAttribute attribute, NullabilityInfoContext nullability)
    {
        Type propertyType = property.PropertyType;
        if (Nullable.GetUnderlyingType(propertyType) is not null)
        {
            return true;
        }

        if (!propertyType.IsValueType)
        {
            return attribute.Optional || nullability.Create(property).ReadState == NullabilityState.Nullable;
        }

        if (attribute.Optional)
        {
            throw new AmpDefinitionException(owner, property.Name, $"is marked Optional but its type {propertyType.Name} cannot be null; use {propertyType.Name}?");
        }

        return false;
    }

    private static FieldDescriptor<T> CreateChunked<T>(Type owner, PropertyInfo property, AmpArgumentAttribute attribute, byte[] key, bool optional, Delegate getter, Delegate setter)
        where T : class
    {
        Type propertyType = property.PropertyType;
        object codec = BigValueCodecs.For(attribute.Type!, propertyType)
            ?? throw new AmpDefinitionException(owner, property.Name, attribute.Type == typeof(BigUnicodeArgument)
                ? $"BigUnicodeArgument carries a string, not {propertyType.Name}"
                : $"BigStringArgument carries byte[] or ReadOnlyMemory<byte>, not {propertyType.Name}");
        if (attribute.MaxDigits != 0)
        {
            throw new AmpDefinitionException(owner, property.Name, "MaxDigits does not apply to big values; MaxBytes limits them");
        }

        if (attribute.MaxBytes < 0)
        {
            throw new AmpDefinitionException(owner, property.Name, $"MaxBytes is {attribute.MaxBytes}; it must be at least 1, or 0 for no limit of the field's own");
        }

        Type fieldType = typeof(ChunkedFieldDescriptor<,>).MakeGenericType(typeof(T), propertyType);
        return (FieldDescriptor<T>)Activator.CreateInstance(fieldType, attribute.Name, key, property.Name, optional, attribute.MaxBytes, getter, setter, codec)!;
    }

    private static FieldDescriptor<T> CreateStreamField<T>(Type owner, PropertyInfo property, AmpArgumentAttribute attribute, byte[] key, NullabilityInfoContext nullability)
        where T : class
    {
        if (attribute.Type is not null || attribute.MaxDigits != 0 || attribute.MaxBytes != 0)
        {
            throw new AmpDefinitionException(owner, property.Name, "is a stream; Type, MaxDigits and MaxBytes do not apply to streams");
        }

        bool optional = attribute.Optional || nullability.Create(property).ReadState == NullabilityState.Nullable;
        Type type = property.PropertyType;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
        {
            Type item = type.GetGenericArguments()[0];
            object itemType = IsRecord(item)
                ? Activator.CreateInstance(typeof(Streams.RecordItemArgument<>).MakeGenericType(item))!
                : ArgumentTypeResolver.Resolve(owner, property.Name, item, null, 0);
            MethodInfo items = typeof(StreamFieldDescriptor<T>).GetMethod(nameof(StreamFieldDescriptor<T>.CreateItems))!.MakeGenericMethod(item);
            return (FieldDescriptor<T>)items.Invoke(null, [attribute.Name, key, property.Name, optional, CompileGetter(typeof(T), property), CompileSetter(typeof(T), property), itemType])!;
        }

        MethodInfo create = typeof(StreamFieldDescriptor<T>).GetMethod(nameof(StreamFieldDescriptor<T>.Create))!.MakeGenericMethod(type);
        return (FieldDescriptor<T>)create.Invoke(null, [attribute.Name, key, property.Name, optional, CompileGetter(typeof(T), property), CompileSetter(typeof(T), property)])!;
    }

    /// <summary>Whether a stream's item type is a record (a class of AMP fields) rather than a value.</summary>
    private static bool IsRecord(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(byte[]) && type != typeof(FileInfo) && !type.IsArray
        && Array.Exists(type.GetProperties(BindingFlags.Public | BindingFlags.Instance), p => p.IsDefined(typeof(AmpArgumentAttribute), inherit: true));

    private static Delegate CompileGetter(Type owner, PropertyInfo property)
    {
        ParameterExpression instance = Expression.Parameter(owner, "instance");
        return Expression.Lambda(Expression.Property(instance, property), instance).Compile();
    }

    private static Delegate CompileSetter(Type owner, PropertyInfo property)
    {
        ParameterExpression instance = Expression.Parameter(owner, "instance");
        ParameterExpression value = Expression.Parameter(property.PropertyType, "value");
        Type setterType = typeof(Action<,>).MakeGenericType(owner, property.PropertyType);
        return Expression.Lambda(setterType, Expression.Assign(Expression.Property(instance, property), value), instance, value).Compile();
    }
}
