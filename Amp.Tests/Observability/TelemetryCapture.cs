using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Amp.Tests.Observability;

/// <summary>
/// OpenTelemetry's SDK wired to Amp.NET's source and meter with the in-memory exporters, as an application
/// would wire it (AddSource / AddMeter), for the length of one test.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;

    public TelemetryCapture()
    {
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource(AmpTelemetry.ActivitySourceName).AddInMemoryExporter(Spans).Build()!;
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(AmpTelemetry.MeterName).AddInMemoryExporter(Metrics).Build()!;
    }

    public List<Activity> Spans { get; } = [];

    public List<Metric> Metrics { get; } = [];

    /// <summary>The spans of one connection (the test's connections have names of their own).</summary>
    public List<Activity> SpansOf(string connection)
    {
        _tracer.ForceFlush();
        return Spans.FindAll(span => (string?)span.GetTagItem("amp.connection") == connection);
    }

    /// <summary>The points of one metric, after a collection.</summary>
    public List<MetricPoint> Points(string name)
    {
        Metrics.Clear();
        _meter.ForceFlush();
        var points = new List<MetricPoint>();
        foreach (Metric metric in Metrics)
        {
            if (metric.Name == name)
            {
                foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }

    public static string? Tag(in MetricPoint point, string key)
    {
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    public void Dispose()
    {
        _tracer.Dispose();
        _meter.Dispose();
    }
}
