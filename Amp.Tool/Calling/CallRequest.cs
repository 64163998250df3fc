using Amp.Boxes;
using Amp.Tls;
using Amp.Tool.Addressing;
using Amp.Tool.Schemas;

namespace Amp.Tool.Calling;

/// <summary>What <c>amp call</c> was asked to do, checked and ready to send.</summary>
internal sealed record CallRequest(
    AmpAddress Address,
    string Command,
    AmpBox Arguments,
    IReadOnlyList<FieldSchema>? Response,
    CommandSchema? Declaration,
    bool RequiresAnswer,
    TlsLayerOptions? Tls,
    TimeSpan? Timeout,
    bool Json,
    bool Verbose);
