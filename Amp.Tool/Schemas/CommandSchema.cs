namespace Amp.Tool.Schemas;

/// <summary>A command's declaration: its wire name, typed arguments and response, declared error codes.</summary>
internal sealed record CommandSchema(
    string Name,
    IReadOnlyList<FieldSchema> Arguments,
    IReadOnlyList<FieldSchema> Response,
    IReadOnlyDictionary<string, string> Errors,
    bool RequiresAnswer);
