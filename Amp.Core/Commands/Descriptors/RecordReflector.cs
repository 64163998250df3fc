using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Amp.Boxes;
using Amp.Generated;

namespace Amp.Descriptors;

/// <summary>The reflection fallback for records: a class's <see cref="AmpArgumentAttribute"/> properties, found and checked at run time.</summary>
[RequiresUnreferencedCode(ReflectionFallback.Reason)]
[RequiresDynamicCode(ReflectionFallback.Reason)]
internal static class RecordReflector
{
    public static (List<FieldDescriptor<T>> Fields, Func<T> Factory) Describe<T>()
        where T : class
    {
        Type type = typeof(T);
        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new AmpDefinitionException(type, null, "needs a public parameterless constructor to be built from a box");
        }

        var fields = new List<FieldDescriptor<T>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var nullability = new NullabilityInfoContext();
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            AmpArgumentAttribute? attribute = property.GetCustomAttribute<AmpArgumentAttribute>(inherit: true);
            if (attribute is null)
            {
                continue;
            }

            byte[] key = ValidateName(type, property, attribute.Name);
            if (!names.Add(attribute.Name))
            {
                throw new AmpDefinitionException(type, property.Name, $"wire name '{attribute.Name}' is used by another property");
            }

            fields.Add(FieldFactory.Create<T>(type, property, attribute, key, nullability));
        }

        Func<T> factory = Expression.Lambda<Func<T>>(Expression.New(type)).Compile();
        return (fields, factory);
    }

    private static byte[] ValidateName(Type type, PropertyInfo property, string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new AmpDefinitionException(type, property.Name, "the wire name is empty");
        }

        byte[] key = Encoding.UTF8.GetBytes(name);
        if (key.Length > AmpLimits.MaxKeyLength)
        {
            throw new AmpDefinitionException(type, property.Name, $"the wire name is {key.Length} bytes long; keys are at most {AmpLimits.MaxKeyLength}");
        }

        if (name is "_ask" or "_answer" or "_command" or "_error" or "_error_code" or "_error_description")
        {
            throw new AmpDefinitionException(type, property.Name, $"'{name}' is a key AMP reserves for itself");
        }

        return key;
    }
}
