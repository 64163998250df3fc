namespace Amp.Benchmarks;

/// <summary>A connected client/server pair over loopback TCP, both ends in this process.</summary>
internal interface IRoundTripFixture : IAsyncDisposable
{
    /// <summary>The library under test, for printing.</summary>
    string Name { get; }

    /// <summary>
    /// One call of the small command (two ints in, their sum out). Returns the library's own task, with no
    /// wrapper of ours around it; the answer is checked once when the fixture starts.
    /// </summary>
    Task CallAsync();

    /// <summary>Whether only one call may be in flight (the bare socket ping-pong); the runner then skips the 64-in-flight case.</summary>
    bool OneInFlightOnly => false;
}
