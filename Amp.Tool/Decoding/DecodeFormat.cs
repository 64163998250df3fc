namespace Amp.Tool.Decoding;

/// <summary>How <c>amp decode</c> reads its input.</summary>
internal enum DecodeFormat
{
    /// <summary>Raw bytes when the first byte is 0x00 (as every box begins), else hex text.</summary>
    Auto,

    /// <summary>Hexadecimal text.</summary>
    Hex,

    /// <summary>Raw bytes, as captured.</summary>
    Binary,
}
