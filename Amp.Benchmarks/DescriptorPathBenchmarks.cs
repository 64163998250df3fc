using System.Buffers;
using Amp.Boxes;
using Amp.Descriptors;
using BenchmarkDotNet.Attributes;

namespace Amp.Benchmarks;

/// <summary>
/// The typed codec of the <c>Sum</c> command on the generated path (the default: what Amp.Generators
/// registered) and on the reflection fallback (the same command described by reflection), in one run:
/// parsing the call box into a command object, writing it, and the same for the answer. 1000 boxes per
/// invocation, so the figures are per box.
/// </summary>
[MemoryDiagnoser]
public class DescriptorPathBenchmarks
{
    private const int BoxesPerInvoke = 1000;

    private static readonly byte[] s_answer = [0, 7, .. "_answer"u8, 0, 1, .. "1"u8, 0, 5, .. "total"u8, 0, 2, .. "94"u8, 0, 0];

    private readonly AmpLimits _limits = AmpLimits.Default;
    private readonly SumCommand _command = SampleBoxes.SumCommand;
    private readonly SumResult _result = new() { Total = 94 };
    private readonly BoxBuffer _buffer = new();
    private CommandDescriptor<SumCommand, SumResult> _descriptor = null!;
    private ReadOnlySequence<byte> _boxes;

    [Params("generated", "reflection")]
    public string Path { get; set; } = "generated";

    [GlobalSetup]
    public void Setup()
    {
        _descriptor = Path == "generated" ? CommandDescriptor<SumCommand, SumResult>.Instance : CommandDescriptor<SumCommand, SumResult>.CreateByReflection();
        if (_descriptor.IsGenerated != (Path == "generated"))
        {
            throw new InvalidOperationException($"The {Path} path is not the one described.");
        }

        _boxes = new ReadOnlySequence<byte>(SampleBoxes.Repeated(BoxesPerInvoke));
        WriteCall();
        bool callWritten = _buffer.WrittenSpan.SequenceEqual(SampleBoxes.SumCall);
        WriteAnswer();
        if (!callWritten || !_buffer.WrittenSpan.SequenceEqual(s_answer) || ParseCall() != BoxesPerInvoke * (13 + 81) || ParseAnswer() != BoxesPerInvoke * 94)
        {
            throw new InvalidOperationException("The descriptor did not read or write the sample boxes.");
        }
    }

    [Benchmark(OperationsPerInvoke = BoxesPerInvoke)]
    public int ParseCall()
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
    public int WriteCall()
    {
        int bytes = 0;
        for (int i = 0; i < BoxesPerInvoke; i++)
        {
            _buffer.Reset();
            _descriptor.WriteCall(_command, AmpTag.FromNumber(1), _buffer);
            bytes += _buffer.Length;
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = BoxesPerInvoke)]
    public int ParseAnswer()
    {
        int total = 0;
        for (int i = 0; i < BoxesPerInvoke; i++)
        {
            total += _descriptor.ReadResponse(s_answer).Total;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = BoxesPerInvoke)]
    public int WriteAnswer()
    {
        int bytes = 0;
        for (int i = 0; i < BoxesPerInvoke; i++)
        {
            _buffer.Reset();
            _descriptor.WriteAnswer(_result, "1"u8, _buffer);
            bytes += _buffer.Length;
        }

        return bytes;
    }
}
