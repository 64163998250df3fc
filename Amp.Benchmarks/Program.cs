using System.Globalization;
using Amp.Benchmarks;
using BenchmarkDotNet.Running;

// "roundtrip [seconds] [--rounds N] [--inmemory] [--pool-send] [--no-rate] [--extensions]": quick side-by-side round-trip
// figures without BenchmarkDotNet, Amp.NET, StreamJsonRpc, gRPC and a bare socket ping-pong (1 in flight only) measured
// in N interleaved rounds (default 5), with Amp.NET's ratios to each beside the project's goals; --inmemory adds
// Amp.NET over in-memory pipes (no sockets), --pool-send Amp.NET sending from the thread pool, --no-rate
// Amp.NET with MinimumReceiveRate and keepalive off (no receive watch in the read loop), --extensions Amp.NET with
// no extension offered and Amp.NET whose calls pass a cancellable token (the cost of the cancellation extension).
// Anything else goes to BenchmarkDotNet, e.g. --filter '*Box*' --job short.
if (args.Length > 0 && args[0] == "roundtrip")
{
    var rest = args.Skip(1).ToList();
    bool inMemory = rest.Remove("--inmemory");
    bool poolSend = rest.Remove("--pool-send");
    bool noRate = rest.Remove("--no-rate");
    bool extensions = rest.Remove("--extensions");
    int rounds = 5;
    int roundsAt = rest.IndexOf("--rounds");
    if (roundsAt >= 0)
    {
        rounds = int.Parse(rest[roundsAt + 1], CultureInfo.InvariantCulture);
        rest.RemoveRange(roundsAt, 2);
    }

    double seconds = rest.Count > 0 ? double.Parse(rest[0], CultureInfo.InvariantCulture) : 5;
    await RoundTripRunner.RunAsync(seconds, rounds, inMemory, poolSend, noRate, extensions).ConfigureAwait(false);
    return;
}

// "loop <tcp|inmemory|tcp1|pingpong> [seconds]": only Amp.NET, 64 calls in flight (tcp1: 1 in flight over TCP), or the
// socket ping-pong (1 in flight), for a profiler (perf record, strace -c) to watch.
if (args.Length > 1 && args[0] == "loop")
{
    await RoundTripRunner.LoopAsync(args[1], args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 10).ConfigureAwait(false);
    return;
}

// "tls [seconds] [--rounds N]": StartTLS latency, then bulk throughput with 0, 1 and 2 TLS layers against a
// bare socket pair and a bare SslStream pair, interleaved in N rounds (default 5). "bulk" is the same without
// the latency; "streams" the same with 1 GiB Amp.NET streams (plaintext, one TLS layer) in place of bulk boxes.
// "bulkloop <pair|sslpair|0|1|2|stream0|stream1> [seconds]": one bulk case alone, for a profiler to watch.
if (args.Length > 0 && args[0] is "tls" or "bulk" or "bulkloop" or "streams")
{
    var rest = args.Skip(1).ToList();
    int rounds = 5;
    int roundsAt = rest.IndexOf("--rounds");
    if (roundsAt >= 0)
    {
        rounds = int.Parse(rest[roundsAt + 1], CultureInfo.InvariantCulture);
        rest.RemoveRange(roundsAt, 2);
    }

    if (args[0] == "bulkloop")
    {
        await Amp.Benchmarks.Bulk.BulkRunner.LoopAsync(rest[0], rest.Count > 1 ? double.Parse(rest[1], CultureInfo.InvariantCulture) : 10).ConfigureAwait(false);
        return;
    }

    double seconds = rest.Count > 0 ? double.Parse(rest[0], CultureInfo.InvariantCulture) : 10;
    if (args[0] == "tls")
    {
        await TlsRunner.RunAsync(seconds, rounds).ConfigureAwait(false);
    }
    else
    {
        await Amp.Benchmarks.Bulk.BulkRunner.RunAsync(new Amp.Benchmarks.Bulk.BulkCertificates(), seconds, rounds, streams: args[0] == "streams").ConfigureAwait(false);
    }

    return;
}

// "engines [seconds] [--rounds N] [--handshakes N]": the two TLS engines in one run: handshake latency (median,
// p99 over N handshakes per engine, TLS 1.3 and 1.2, default 400), then bulk boxes in one TLS layer per engine
// beside the SslStream pair, in N interleaved rounds (default 5).
if (args.Length > 0 && args[0] == "engines")
{
    var rest = args.Skip(1).ToList();
    int rounds = TakeOption(rest, "--rounds", 5);
    int handshakes = TakeOption(rest, "--handshakes", 400);
    await Amp.Benchmarks.Engines.EngineRunner.RunAsync(rest.Count > 0 ? double.Parse(rest[0], CultureInfo.InvariantCulture) : 10, rounds, handshakes).ConfigureAwait(false);
    return;
}

// "cancel [calls]": the time from Cancel() to the peer responder's token firing, over loopback TCP.
// "paths [seconds] [--rounds N]": round trips with the command described by generated code and by reflection.
if (args.Length > 0 && args[0] == "paths")
{
    var rest = args.Skip(1).ToList();
    int rounds = TakeOption(rest, "--rounds", 5);
    await Amp.Benchmarks.Generated.PathRoundTripRunner.RunAsync(rest.Count > 0 ? double.Parse(rest[0], CultureInfo.InvariantCulture) : 3, rounds).ConfigureAwait(false);
    return;
}

if (args.Length > 0 && args[0] == "cancel")
{
    await Amp.Benchmarks.Cancellation.CancelLatencyRunner.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000).ConfigureAwait(false);
    return;
}

// "streamfair [seconds] [--rounds N] [--window KiB]": 64 small calls in flight alone and beside a stream on one connection.
if (args.Length > 0 && args[0] == "streamfair")
{
    var rest = args.Skip(1).ToList();
    int rounds = TakeOption(rest, "--rounds", 3);
    int window = TakeOption(rest, "--window", 256) * 1024;
    await Amp.Benchmarks.Streams.StreamFairnessRunner.RunAsync(rest.Count > 0 ? double.Parse(rest[0], CultureInfo.InvariantCulture) : 9, rounds, window).ConfigureAwait(false);
    return;
}

// "keepalive [--interval S] [--timeout S]" (or "frozen"): how long a frozen peer takes to be found over loopback TCP.
// A child process serves one Amp.NET connection and is stopped with SIGSTOP once the extensions are agreed;
// "keepalive-peer" is that child's mode.
if (args.Length > 0 && args[0] is "keepalive" or "frozen" or "keepalive-peer")
{
    var rest = args.Skip(1).ToList();
    if (args[0] == "keepalive-peer")
    {
        await Amp.Benchmarks.KeepAlive.FrozenPeerRunner.ServeAsync().ConfigureAwait(false);
        return;
    }

    double interval = TakeSeconds(rest, "--interval", 30);
    double timeout = TakeSeconds(rest, "--timeout", 20);
    await Amp.Benchmarks.KeepAlive.FrozenPeerRunner.RunAsync(TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(timeout)).ConfigureAwait(false);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RoundTripBenchmarks).Assembly).Run(args);

static int TakeOption(List<string> args, string name, int fallback)
{
    int at = args.IndexOf(name);
    if (at < 0)
    {
        return fallback;
    }

    int value = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
    args.RemoveRange(at, 2);
    return value;
}


static double TakeSeconds(List<string> args, string name, double fallback)
{
    int at = args.IndexOf(name);
    if (at < 0)
    {
        return fallback;
    }

    double value = double.Parse(args[at + 1], CultureInfo.InvariantCulture);
    args.RemoveRange(at, 2);
    return value;
}
