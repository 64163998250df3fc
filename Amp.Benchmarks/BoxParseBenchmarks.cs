using System.Buffers;
using Amp.Boxes;
using Amp.Descriptors;
using BenchmarkDotNet.Attributes;

namespace Amp.Benchmarks;

/// <summary>
/// Parsing the 4-key <c>Sum</c> call box: 1000 boxes back to back in one buffer per invocation, so the
/// figures are per box. <c>View</c> is <see cref="BoxReader"/>'s zero-copy path; <c>Typed</c> adds
/// building the command object through its descriptor (what the connection does for a typed responder);
/// <c>AmpBox</c> is the untyped copying path, for comparison.
/// </summary>
[MemoryDiagnoser]
public class BoxParseBenchmarks
{
    private const int BoxesPerInvoke = 1000;

    private readonly CommandDescriptor<SumCommand, SumResult> _descriptor = CommandDescriptor<SumCommand, SumResult>.Instance;
    private readonly AmpLimits _limits = AmpLimits.Default;
    private ReadOnlySequence<byte> _boxes;

    [GlobalSetup]
    public void Setup()
    {
        _boxes = new ReadOnlySequence<byte>(SampleBoxes.Repeated(BoxesPerInvoke));

        // Fail fast if the box or the descriptor does not do what the benchmark assumes.
        if (ParseTyped() != BoxesPerInvoke * (13 + 81) || ParseView() != BoxesPerInvoke * 4)
        {
            throw new InvalidOperationException("The sample box did not parse as expected.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BoxesPerInvoke)]
    public int ParseView()
    {
        ReadOnlySequence<byte> buffer = _boxes;
        int keys = 0;
        while (BoxReader.TryReadBox(ref buffer, _limits, out AmpBoxView box))
        {
            keys += box.Count;
            box.Dispose();
        }

        return keys;
    }

    [Benchmark(OperationsPerInvoke = BoxesPerInvoke)]
    public int ParseTyped()
    {
        ReadOnlySequence<byte> buffer = _boxes;
        int total = 0;
        while (BoxReader.TryReadBox(ref buffer, _limits, out AmpBoxView box))
        {
            SumCommand command = _descriptor.ReadArguments(box.Bytes.Span);
            total += command.A + command.B;
            box.Dispose();
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = BoxesPerInvoke)]
    public int ParseAmpBox()
    {
        ReadOnlySequence<byte> buffer = _boxes;
        int keys = 0;
        while (BoxReader.TryReadBox(ref buffer, _limits, out AmpBox? box))
        {
            keys += box.Count;
        }

        return keys;
    }
}
