using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Amp.Benchmarks;

/// <summary>Columns for <see cref="ArgumentDecodeBenchmarks"/>: input size, mean time per KiB, and read or refused.</summary>
internal sealed class WorstCaseColumn : IColumn
{
    private readonly Kind _kind;

    public WorstCaseColumn(Kind kind) => _kind = kind;

    public enum Kind
    {
        Bytes,
        PerKiB,
        Outcome,
    }

    public string Id => nameof(WorstCaseColumn) + _kind;

    public string ColumnName => _kind switch
    {
        Kind.Bytes => "Bytes",
        Kind.PerKiB => "Per KiB",
        _ => "Outcome",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)_kind;

    public bool IsNumeric => _kind != Kind.Outcome;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _kind switch
    {
        Kind.Bytes => "Length of the value read",
        Kind.PerKiB => "Mean time per 1024 bytes of the value",
        _ => "read, or refused (FormatException, or AmpArgumentException naming a record field)",
    };

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Parameters["Case"] is not string name || !WorstCaseInputs.Cases.TryGetValue(name, out var input))
        {
            return "?";
        }

        switch (_kind)
        {
            case Kind.Bytes:
                return input.Bytes.Length.ToString(CultureInfo.InvariantCulture);
            case Kind.PerKiB:
                double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
                return mean is null ? "-" : FormatNanoseconds(mean.Value * 1024 / input.Bytes.Length);
            default:
                try
                {
                    input.Decode(input.Bytes);
                    return "read";
                }
                catch (Exception e) when (WorstCaseInputs.IsRefusal(e))
                {
                    return "refused";
                }
        }
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static string FormatNanoseconds(double ns) => ns switch
    {
        >= 1_000_000 => (ns / 1_000_000).ToString("F2", CultureInfo.InvariantCulture) + " ms",
        >= 1_000 => (ns / 1_000).ToString("F2", CultureInfo.InvariantCulture) + " µs",
        _ => ns.ToString("F1", CultureInfo.InvariantCulture) + " ns",
    };
}
