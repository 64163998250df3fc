using Amp.Tls.Engines.BouncyCastle;
using Amp.Tls.Engines.Platform;

namespace Amp.Tls.Engines;

/// <summary>The engine for a <see cref="TlsEngine"/> value.</summary>
internal static class TlsEngines
{
    public static ITlsEngine For(TlsEngine engine) => engine switch
    {
        TlsEngine.SslStream => SslStreamEngine.Instance,
        TlsEngine.BouncyCastle => BouncyCastleEngine.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown TLS engine."),
    };
}
