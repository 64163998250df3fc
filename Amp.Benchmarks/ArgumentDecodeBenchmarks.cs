using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Amp.Benchmarks;

/// <summary>
/// The cost of reading one adversarial value per argument type (<see cref="WorstCaseInputs"/>):
/// the time of one <c>Read</c>, including the exception when the value is refused, as the
/// dispatcher pays it (the <c>echo</c> cases also write the value back, as an Echo responder does). The extra columns give the value's size, the time per KiB of
/// input and whether the value was read or refused.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ArgumentDecodeConfig))]
public class ArgumentDecodeBenchmarks
{
    private byte[] _bytes = [];
    private Func<byte[], object> _decode = static _ => 0;

    /// <summary>The case names, in <see cref="WorstCaseInputs.Cases"/> order.</summary>
    public static IEnumerable<string> CaseNames => WorstCaseInputs.Cases.Keys;

    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup() => (_bytes, _decode) = WorstCaseInputs.Cases[Case];

    [Benchmark]
    public object Decode()
    {
        try
        {
            return _decode(_bytes);
        }
        catch (Exception e) when (WorstCaseInputs.IsRefusal(e))
        {
            return e;
        }
    }

    private sealed class ArgumentDecodeConfig : ManualConfig
    {
        public ArgumentDecodeConfig()
        {
            AddColumn(new WorstCaseColumn(WorstCaseColumn.Kind.Bytes), new WorstCaseColumn(WorstCaseColumn.Kind.PerKiB), new WorstCaseColumn(WorstCaseColumn.Kind.Outcome));
            Orderer = new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared);
            SummaryStyle = BenchmarkDotNet.Reports.SummaryStyle.Default.WithMaxParameterColumnWidth(32);
        }
    }
}
