namespace Amp.Benchmarks;

/// <summary>A connected client/server pair over loopback TCP, both ends in this process.</summary>
internal interface IRoundTripFixture : IAsyncDisposable
{
    /// <summary>The library under test, for printing.</summary>
    string Name { get; }

    /// <summary>One call of the small command (two ints in, their sum out).</summary>
    Task<int> CallAsync();
}
