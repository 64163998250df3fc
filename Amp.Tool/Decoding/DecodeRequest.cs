namespace Amp.Tool.Decoding;

/// <summary>What <c>amp decode</c> was asked to do: read <see cref="Path"/> (or standard input when null), or <see cref="InlineHex"/>.</summary>
internal sealed record DecodeRequest(string? Path, string? InlineHex, DecodeFormat Format, bool Json);
