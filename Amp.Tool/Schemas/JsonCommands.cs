using System.Text.Json;
using Amp.Tool.Values;

namespace Amp.Tool.Schemas;

/// <summary>
/// Reads a JSON command description: an object of command names, each with <c>arguments</c> and
/// <c>response</c> (key to type name; <c>"int?"</c> is optional; <c>{"amplist": {fields}}</c> is an
/// AmpList), <c>errors</c> (code to a description) and <c>requiresAnswer</c>. See docs/amp-tool.md.
/// </summary>
internal static class JsonCommands
{
    public static Dictionary<string, CommandSchema> Load(string path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the file is a JSON object of command names");
            }

            var commands = new Dictionary<string, CommandSchema>(StringComparer.Ordinal);
            foreach (JsonProperty command in document.RootElement.EnumerateObject())
            {
                commands[command.Name] = Command(command.Name, command.Value);
            }

            return commands;
        }
        catch (Exception e) when (e is JsonException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw ToolException.Usage($"--commands {path}: {e.Message}");
        }
    }

    private static CommandSchema Command(string name, JsonElement definition)
    {
        if (definition.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{name}: a command is an object with arguments, response, errors");
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        bool requiresAnswer = true;
        IReadOnlyList<FieldSchema> arguments = [];
        IReadOnlyList<FieldSchema> response = [];
        foreach (JsonProperty part in definition.EnumerateObject())
        {
            switch (part.Name)
            {
                case "arguments":
                    arguments = Fields($"{name}.arguments", part.Value);
                    break;
                case "response":
                    response = Fields($"{name}.response", part.Value);
                    break;
                case "errors":
                    foreach (JsonProperty error in Object($"{name}.errors", part.Value).EnumerateObject())
                    {
                        errors[error.Name] = error.Value.ValueKind == JsonValueKind.String ? error.Value.GetString()! : error.Value.GetRawText();
                    }

                    break;
                case "requiresAnswer":
                    requiresAnswer = part.Value.ValueKind != JsonValueKind.False;
                    break;
                default:
                    throw new FormatException($"{name}: unknown part '{part.Name}' (a command has arguments, response, errors, requiresAnswer)");
            }
        }

        return new CommandSchema(name, arguments, response, errors, requiresAnswer);
    }

    private static List<FieldSchema> Fields(string where, JsonElement fields)
    {
        var list = new List<FieldSchema>();
        foreach (JsonProperty field in Object(where, fields).EnumerateObject())
        {
            list.Add(Field($"{where}.{field.Name}", field.Name, field.Value));
        }

        return list;
    }

    private static FieldSchema Field(string where, string key, JsonElement type)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            string name = type.GetString()!;
            bool optional = name.EndsWith('?');
            try
            {
                return new FieldSchema(key, WireType.Parse(optional ? name[..^1] : name), optional);
            }
            catch (FormatException e)
            {
                throw new FormatException($"{where}: {e.Message}", e);
            }
        }

        if (type.ValueKind == JsonValueKind.Object && type.TryGetProperty("amplist", out JsonElement inner))
        {
            bool optional = type.TryGetProperty("optional", out JsonElement flag) && flag.ValueKind == JsonValueKind.True;
            return new FieldSchema(key, new AmpListType(Fields(where, inner)), optional);
        }

        throw new FormatException($"{where}: a type is a name such as \"int\" or \"text?\", or {{\"amplist\": {{fields}}}}");
    }

    private static JsonElement Object(string where, JsonElement element) =>
        element.ValueKind == JsonValueKind.Object ? element : throw new FormatException($"{where} must be a JSON object");
}
