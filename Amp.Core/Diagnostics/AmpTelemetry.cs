namespace Amp;

/// <summary>
/// The names Amp.NET's traces and metrics are published under, for OpenTelemetry or any
/// <see cref="System.Diagnostics.ActivityListener"/> and <see cref="System.Diagnostics.Metrics.MeterListener"/>:
/// <c>AddSource(AmpTelemetry.ActivitySourceName)</c> and <c>AddMeter(AmpTelemetry.MeterName)</c>.
/// Nothing is recorded, and a call costs nothing more, while nobody listens. See docs/observability.md.
/// </summary>
public static class AmpTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of the call spans: one per call on each side.</summary>
    public const string ActivitySourceName = "Amp";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the call, byte, layer-change and connection instruments.</summary>
    public const string MeterName = "Amp";

    /// <summary>The value of <c>rpc.system</c> on every span and call metric.</summary>
    public const string RpcSystem = "amp";
}
