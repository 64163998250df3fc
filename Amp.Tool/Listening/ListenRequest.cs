using Amp.Tls;
using Amp.Tool.Addressing;

namespace Amp.Tool.Listening;

/// <summary>What <c>amp listen</c> was asked to do.</summary>
internal sealed record ListenRequest(AmpAddress Address, ListenScript? Script, TlsLayerOptions? Tls, bool Json, int? Connections);
