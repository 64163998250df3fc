namespace Amp.Boxes;

/// <summary>The keys AMP reserves for itself.</summary>
internal static class ReservedKeys
{
    public static ReadOnlySpan<byte> Ask => "_ask"u8;
    public static ReadOnlySpan<byte> Answer => "_answer"u8;
    public static ReadOnlySpan<byte> Command => "_command"u8;
    public static ReadOnlySpan<byte> Error => "_error"u8;
    public static ReadOnlySpan<byte> ErrorCode => "_error_code"u8;
    public static ReadOnlySpan<byte> ErrorDescription => "_error_description"u8;
}
