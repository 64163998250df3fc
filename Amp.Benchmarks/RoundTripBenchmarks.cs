using BenchmarkDotNet.Attributes;

namespace Amp.Benchmarks;

/// <summary>
/// A small command's round trip over loopback TCP, both ends in this process, for Amp.NET, for StreamJsonRpc
/// (MessagePack over a length-prefixed NetworkStream) and for gRPC (h2c on Kestrel) in the same run. <c>InFlight1</c>
/// is one call at a time (its mean is the latency); <c>InFlight64</c> keeps 64 callers busy, each making
/// <see cref="CallsPerCaller"/> calls in a row, and reports the time per call (its inverse is the throughput).
/// </summary>
[MemoryDiagnoser]
public class RoundTripBenchmarks
{
    public const int InFlight = 64;
    public const int CallsPerCaller = 16;

    private IRoundTripFixture? _fixture;

    [Params("Amp.NET", "StreamJsonRpc", "gRPC")]
    public string Library { get; set; } = "Amp.NET";

    private IRoundTripFixture Fixture => _fixture ?? throw new InvalidOperationException("GlobalSetup has not run.");

    [GlobalSetup]
    public async Task SetupAsync() =>
        _fixture = Library switch
        {
            "Amp.NET" => await AmpRoundTripFixture.StartAsync().ConfigureAwait(false),
            JsonRpcRoundTripFixture.LibraryName => await JsonRpcRoundTripFixture.StartAsync().ConfigureAwait(false),
            GrpcRoundTripFixture.LibraryName => await GrpcRoundTripFixture.StartAsync().ConfigureAwait(false),
            _ => throw new InvalidOperationException("No fixture for " + Library),
        };

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_fixture is not null)
        {
            await _fixture.DisposeAsync().ConfigureAwait(false);
            _fixture = null;
        }
    }

    [Benchmark]
    public Task InFlight1() => Fixture.CallAsync();

    [Benchmark(OperationsPerInvoke = InFlight * CallsPerCaller)]
    public Task InFlight64()
    {
        var callers = new Task[InFlight];
        for (int i = 0; i < callers.Length; i++)
        {
            callers[i] = CallManyAsync(Fixture, CallsPerCaller);
        }

        return Task.WhenAll(callers);
    }

    private static async Task CallManyAsync(IRoundTripFixture fixture, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await fixture.CallAsync().ConfigureAwait(false);
        }
    }
}
