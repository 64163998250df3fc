using System.Linq.Expressions;
using System.Reflection;

namespace Amp.Commands.Descriptors;

/// <summary>Builds a <see cref="FieldDescriptor{TOwner}"/> for one attributed property.</summary>
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

        Type? underlying = Nullable.GetUnderlyingType(propertyType);
        object argumentType = ArgumentTypeResolver.Resolve(owner, property.Name, underlying ?? propertyType, attribute.Type, attribute.MaxDigits);
        Delegate getter = CompileGetter(typeof(T), property);
        Delegate setter = CompileSetter(typeof(T), property);

        if (underlying is not null)
        {
            Type descriptorType = typeof(NullableFieldDescriptor<,>).MakeGenericType(typeof(T), underlying);
            return (FieldDescriptor<T>)Activator.CreateInstance(descriptorType, attribute.Name, key, property.Name, getter, setter, argumentType)!;
        }

        bool optional = attribute.Optional;
        if (!propertyType.IsValueType)
        {
            optional |= nullability.Create(property).ReadState == NullabilityState.Nullable;
        }
        else if (attribute.Optional)
        {
            throw new AmpDefinitionException(owner, property.Name, $"is marked Optional but its type {propertyType.Name} cannot be null; use {propertyType.Name}?");
        }

        Type fieldType = typeof(FieldDescriptor<,>).MakeGenericType(typeof(T), propertyType);
        return (FieldDescriptor<T>)Activator.CreateInstance(fieldType, attribute.Name, key, property.Name, optional, getter, setter, argumentType)!;
    }

    private static FieldDescriptor<T> CreateStreamField<T>(Type owner, PropertyInfo property, AmpArgumentAttribute attribute, byte[] key, NullabilityInfoContext nullability)
        where T : class
    {
        if (attribute.Type is not null || attribute.MaxDigits != 0)
        {
            throw new AmpDefinitionException(owner, property.Name, "is a stream; Type and MaxDigits do not apply to streams");
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
