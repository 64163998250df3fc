using System.IO.Pipelines;
using System.Numerics;
using System.Reflection;
using System.Runtime.Loader;
using Amp.Tool.Values;

namespace Amp.Tool.Schemas;

/// <summary>
/// Reads the <c>[AmpCommand]</c> classes of a .NET assembly (the one your server is built from, say) as
/// command definitions: each <c>[AmpArgument]</c> property's CLR type gives its wire type, as Amp.NET does.
/// </summary>
internal static class AssemblyCommands
{
    private static readonly Dictionary<Type, string> s_byClrType = new()
    {
        [typeof(int)] = "int", [typeof(long)] = "int", [typeof(ulong)] = "int", [typeof(uint)] = "int",
        [typeof(short)] = "int", [typeof(BigInteger)] = "int", [typeof(double)] = "float", [typeof(float)] = "float",
        [typeof(bool)] = "bool", [typeof(string)] = "text", [typeof(byte[])] = "bytes", [typeof(ReadOnlyMemory<byte>)] = "bytes",
        [typeof(AmpDecimal)] = "decimal", [typeof(decimal)] = "decimal", [typeof(DateTimeOffset)] = "datetime",
        [typeof(AmpDateTime)] = "datetime", [typeof(FileInfo)] = "path",
    };

    // Argument types named by [AmpArgument(Type = ...)], by class name (generic ones without their arity).
    private static readonly Dictionary<string, string> s_byArgumentType = new(StringComparer.Ordinal)
    {
        ["Int32Argument"] = "int", ["Int64Argument"] = "int", ["UInt64Argument"] = "int", ["BigIntegerArgument"] = "int",
        ["DoubleArgument"] = "float", ["SingleArgument"] = "float", ["BooleanArgument"] = "bool", ["UnicodeArgument"] = "text",
        ["BytesArgument"] = "bytes", ["ReadOnlyMemoryArgument"] = "bytes", ["DecimalArgument"] = "decimal",
        ["SystemDecimalArgument"] = "decimal", ["DateTimeArgument"] = "datetime", ["AmpDateTimeArgument"] = "datetime",
        ["PathArgument"] = "path", ["FileInfoArgument"] = "path", ["BigStringArgument"] = "bigbytes",
        ["BigUnicodeArgument"] = "bigtext", ["MessagePackArgument"] = "bytes",
    };

    private static readonly ScalarType s_stream = new(
        "stream",
        _ => throw new FormatException("a Stream or PipeReader argument uses the Amp.NET streams extension, which amp does not speak"),
        _ => throw new FormatException("a stream id of the Amp.NET streams extension"));

    public static Dictionary<string, CommandSchema> Load(string path)
    {
        string full = Path.GetFullPath(path);
        Assembly assembly;
        try
        {
            string folder = Path.GetDirectoryName(full)!;
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                File.Exists(Path.Combine(folder, name.Name + ".dll")) ? context.LoadFromAssemblyPath(Path.Combine(folder, name.Name + ".dll")) : null;
            // An assembly of that name already loaded (Amp.Core itself, or in a test run) is the one read.
            string name = AssemblyName.GetAssemblyName(full).Name!;
            assembly = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == name)
                ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException)
        {
            throw ToolException.Usage($"--commands {path}: not a .NET assembly ({e.Message})");
        }

        var commands = new Dictionary<string, CommandSchema>(StringComparer.Ordinal);
        foreach (Type type in Types(assembly))
        {
            if (type.GetCustomAttribute<AmpCommandAttribute>() is { } command)
            {
                string name = command.Name ?? type.Name;
                commands[name] = new CommandSchema(name, Fields(type), Fields(ResponseType(type)), Errors(type), command.RequiresAnswer);
            }
        }

        return commands.Count > 0 ? commands : throw ToolException.Usage($"--commands {path}: no [AmpCommand] classes in it");
    }

    private static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static Type? ResponseType(Type command) =>
        command.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAmpCommand<>))?.GetGenericArguments()[0];

    private static Dictionary<string, string> Errors(Type command) =>
        command.GetCustomAttributes<AmpErrorAttribute>().ToDictionary(e => e.Code, e => e.ExceptionType.Name + (e.Fatal ? " (fatal)" : ""), StringComparer.Ordinal);

    private static List<FieldSchema> Fields(Type? type)
    {
        var fields = new List<FieldSchema>();
        if (type is null || type == typeof(AmpEmptyResponse))
        {
            return fields;
        }

        var nullability = new NullabilityInfoContext();
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<AmpArgumentAttribute>() is not { } argument)
            {
                continue;
            }

            Type? underlying = Nullable.GetUnderlyingType(property.PropertyType);
            bool optional = argument.Optional || underlying is not null
                || !property.PropertyType.IsValueType && nullability.Create(property).ReadState == NullabilityState.Nullable;
            fields.Add(new FieldSchema(argument.Name, TypeOf(underlying ?? property.PropertyType, argument.Type), optional));
        }

        return fields;
    }

    private static WireType TypeOf(Type clr, Type? explicitType)
    {
        if (explicitType is not null)
        {
            string name = explicitType.IsGenericType ? explicitType.Name[..explicitType.Name.IndexOf('`', StringComparison.Ordinal)] : explicitType.Name;
            if (s_byArgumentType.TryGetValue(name, out string? mapped))
            {
                return WireType.Parse(mapped);
            }

            if (name == "AmpListArgument")
            {
                return new AmpListType(Fields(explicitType.GetGenericArguments()[0]));
            }

            if (name != "ListOfArgument")
            {
                return ScalarType.Bytes;   // a custom argument type: its bytes, as they are
            }
        }

        if (s_byClrType.TryGetValue(clr, out string? scalar))
        {
            return WireType.Parse(scalar);
        }

        if (typeof(Stream).IsAssignableFrom(clr) || typeof(PipeReader).IsAssignableFrom(clr))
        {
            return s_stream;
        }

        Type? element = clr.IsArray ? clr.GetElementType()
            : clr.IsGenericType && clr.GetGenericArguments() is [Type only] && typeof(IEnumerable<>).MakeGenericType(only).IsAssignableFrom(clr) ? only
            : null;
        if (element is not null)
        {
            return s_byClrType.ContainsKey(Nullable.GetUnderlyingType(element) ?? element)
                ? new ListType(TypeOf(Nullable.GetUnderlyingType(element) ?? element, null))
                : new AmpListType(Fields(element));
        }

        return ScalarType.Bytes;
    }
}
