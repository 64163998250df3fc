namespace Amp.Tool.Values;

/// <summary>A box decoded for printing: its keys in order, each with a value <see cref="WireType.Decode"/> can return.</summary>
internal sealed record DecodedBox(IReadOnlyList<KeyValuePair<string, object>> Fields);
