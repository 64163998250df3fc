using System.Buffers;
using Amp.Boxes;
using Amp.Descriptors;
using BenchmarkDotNet.Attributes;

namespace Amp.Benchmarks;

/// <summary>
/// Writing the 4-key <c>Sum</c> call box, 1000 times per invocation into a reused buffer (figures are
/// per box). <c>Typed</c> is what <see cref="AmpConnection.CallRemoteAsync{TResponse}"/> does: the
/// descriptor writes the command object and tag into a <see cref="BoxBuffer"/>. <c>Untyped</c> writes an
/// <see cref="AmpBox"/> with <see cref="BoxWriter.Write"/>.
/// </summary>
[MemoryDiagnoser]
public class BoxWriteBenchmarks
{
    private const int BoxesPerInvoke = 1000;

    private readonly CommandDescriptor<SumCommand, SumResult> _descriptor = CommandDescriptor<SumCommand, SumResult>.Instance;
    private readonly SumCommand _command = SampleBoxes.SumCommand;
    private readonly AmpBox _box = SampleBoxes.SumAmpBox();
    private readonly BoxBuffer _buffer = new();
    private readonly ArrayBufferWriter<byte> _writer = new(256);

    [GlobalSetup]
    public void Setup()
    {
        WriteTyped();
        WriteUntyped();
        if (!_buffer.WrittenSpan.SequenceEqual(SampleBoxes.SumCall) || !_writer.WrittenSpan.SequenceEqual(SampleBoxes.SumCall))
        {
            throw new InvalidOperationException("The writers did not produce the sample box.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BoxesPerInvoke)]
    public int WriteTyped()
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
    public int WriteUntyped()
    {
        int bytes = 0;
        for (int i = 0; i < BoxesPerInvoke; i++)
        {
            _writer.ResetWrittenCount();
            BoxWriter.Write(_box, _writer);
            bytes += _writer.WrittenCount;
        }

        return bytes;
    }
}
