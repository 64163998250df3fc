using System.Collections;
using System.Reflection;
using Amp.Descriptors;

namespace Amp.Tests.Generators;

/// <summary>A command description written out field by field, to compare the generated one with reflection's.</summary>
internal static class DescriptorShape
{
    public static List<string> Of(CommandDescriptor descriptor)
    {
        var lines = new List<string>
        {
            $"name={descriptor.Name} answer={descriptor.RequiresAnswer} streams={descriptor.ArgumentsHaveStreams}/{descriptor.ResponseHasStreams}",
        };
        lines.AddRange(descriptor.Errors.Select(e => $"error {e.Code} {e.ExceptionType.FullName} fatal={e.Fatal} rebuilt={e.Create("m").GetType().FullName}"));
        lines.AddRange(Record("arguments", descriptor.GetType().GetProperty("Arguments")!.GetValue(descriptor)!));
        lines.AddRange(Record("response", descriptor.GetType().GetProperty("Response")!.GetValue(descriptor)!));
        return lines;
    }

    private static IEnumerable<string> Record(string role, object record)
    {
        var fields = (IEnumerable)record.GetType().GetProperty("Fields")!.GetValue(record)!;
        foreach (object field in fields)
        {
            Type type = field.GetType();
            string name = (string)type.GetProperty("Name")!.GetValue(field)!;
            byte[] key = (byte[])type.GetProperty("Key")!.GetValue(field)!;
            string member = (string)type.GetProperty("MemberName")!.GetValue(field)!;
            bool optional = (bool)type.GetProperty("Optional")!.GetValue(field)!;
            string wireType = Describe(type.GetField("_type", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(field));
            string maxBytes = type.GetProperty("MaxBytes")?.GetValue(field)?.ToString() ?? "-";
            yield return $"{role} {name} key={Convert.ToHexString(key)} member={member} optional={optional} field={TypeName(type)} wire={wireType} maxBytes={maxBytes}";
        }
    }

    /// <summary>An argument type with its settings: the element type of a list, the digit limit.</summary>
    private static string Describe(object? argumentType)
    {
        if (argumentType is null)
        {
            return "-";
        }

        Type type = argumentType.GetType();
        string inner = type.GetProperty("ElementType")?.GetValue(argumentType) is { } element ? $"[{Describe(element)}]" : "";
        string nested = type.GetField("_inner", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(argumentType) is { } list ? $"[{Describe(list)}]" : "";
        string digits = type.GetProperty("MaxDigits")?.GetValue(argumentType) is int max ? $"(digits {max})" : "";
        return TypeName(type) + inner + nested + digits;
    }

    private static string TypeName(Type type) =>
        type.IsGenericType ? $"{type.Name}<{string.Join(",", type.GetGenericArguments().Select(TypeName))}>" : type.FullName ?? type.Name;
}
