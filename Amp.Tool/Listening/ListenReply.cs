using Amp.Boxes;

namespace Amp.Tool.Listening;

/// <summary>One reply: its kind, and the answer box or error it carries.</summary>
internal sealed record ListenReply(ListenReplyKind Kind, AmpBox? Answer = null, string? Code = null, string? Description = null)
{
    public static ListenReply Echo { get; } = new(ListenReplyKind.Echo);

    public static ListenReply Unhandled { get; } = new(ListenReplyKind.Unhandled);

    public static ListenReply Close { get; } = new(ListenReplyKind.Close);
}
