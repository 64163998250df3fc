using Amp.Tls;

namespace Amp.Tests.Tls;

/// <summary>Test cases over the TLS engines: each alone, and each client engine against each server engine.</summary>
internal static class EngineCases
{
    /// <summary>Each engine, for tests where one engine runs both sides (or the only side).</summary>
    public static IEnumerable<TestCaseData> Each() =>
        Enum.GetValues<TlsEngine>().Select(engine => new TestCaseData(engine).SetArgDisplayNames(engine.ToString()));

    /// <summary>Each client engine against each server engine: the same engine on both sides, and interop both ways.</summary>
    public static IEnumerable<TestCaseData> Pairs() =>
        from engines in PairValues()
        select new TestCaseData(engines.Client, engines.Server).SetArgDisplayNames($"client {engines.Client}", $"server {engines.Server}");

    /// <summary>The pairs of <see cref="Pairs"/> as values, to combine with other parameters.</summary>
    public static IEnumerable<(TlsEngine Client, TlsEngine Server)> PairValues() =>
        from client in Enum.GetValues<TlsEngine>()
        from server in Enum.GetValues<TlsEngine>()
        select (client, server);
}
