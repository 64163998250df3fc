using Amp.Tool.Values;

namespace Amp.Tool.Schemas;

/// <summary>One declared argument or response key.</summary>
internal sealed record FieldSchema(string Key, WireType Type, bool Optional);
