using System.Collections.Concurrent;
using Amp.Transports;
using static Amp.Tests.Unit.Transports.TransportTestHelpers;

namespace Amp.Tests.Unit.Transports;

public sealed class ChildProcessTransportTests
{
    private const string Cat = "/bin/cat";

    [SetUp]
    public void RequireUnixTools()
    {
        Assert.That(File.Exists(Cat), Is.True, "these tests run /bin/cat and /bin/sh, which every Debian machine has");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task BytesWrittenToCatComeBackIntact(CancellationToken cancellationToken)
    {
        await using ChildProcessTransport child = ChildProcessTransport.Start(Cat, []);
        Assert.That(child.Role, Is.EqualTo(AmpTransportRole.Initiator));
        Assert.That(child.Description, Is.EqualTo($"process {child.ProcessId} cat stdio"));

        byte[] payload = Payload(1_000_000, seed: 8);
        Task<byte[]> echoed = ReadToEndAsync(child.Input, cancellationToken);
        await WriteAllAsync(child.Output, payload, 16 * 1024, cancellationToken);
        await child.Output.CompleteAsync();

        Assert.That(await echoed, Is.EqualTo(payload));
        Assert.That(await child.ExitCode.WaitAsync(cancellationToken), Is.Zero);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task DisposeClosesStandardInputAndTheChildExits(CancellationToken cancellationToken)
    {
        ChildProcessTransport child = ChildProcessTransport.Start(Cat, []);
        await child.Output.WriteAsync(new byte[] { 1, 2, 3 }, cancellationToken);
        Assert.That(await ReadExactlyAsync(child.Input, 3, cancellationToken), Is.EqualTo(new byte[] { 1, 2, 3 }));

        await child.DisposeAsync().AsTask().WaitAsync(cancellationToken);
        await child.DisposeAsync().AsTask().WaitAsync(cancellationToken);

        Assert.That(child.ExitCode.IsCompletedSuccessfully, Is.True);
        Assert.That(child.ExitCode.Result, Is.Zero);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task DisposeKillsAChildThatDoesNotExit(CancellationToken cancellationToken)
    {
        var options = new ChildProcessTransportOptions { ExitTimeout = TimeSpan.FromMilliseconds(200) };
        ChildProcessTransport child = ChildProcessTransport.Start("/bin/sh", ["-c", "trap '' HUP; exec sleep 60"], options);

        await child.DisposeAsync().AsTask().WaitAsync(cancellationToken);

        Assert.That(child.ExitCode.IsCompletedSuccessfully, Is.True);
        Assert.That(child.ExitCode.Result, Is.Not.Zero);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task StandardErrorLinesCanBeCaptured(CancellationToken cancellationToken)
    {
        var lines = new ConcurrentQueue<string>();
        var options = new ChildProcessTransportOptions { StandardErrorLine = lines.Enqueue };
        await using ChildProcessTransport child = ChildProcessTransport.Start("/bin/sh", ["-c", "echo oops >&2; exec cat"], options);

        await child.Output.WriteAsync(new byte[] { 5 }, cancellationToken);
        await child.Output.CompleteAsync();
        Assert.That(await ReadToEndAsync(child.Input, cancellationToken), Is.EqualTo(new byte[] { 5 }));
        await child.ExitCode.WaitAsync(cancellationToken);

        // Error lines arrive on their own reader; wait for it without sleeping blindly.
        while (lines.IsEmpty)
        {
            await Task.Delay(10, cancellationToken);
        }

        Assert.That(lines, Is.EqualTo(new[] { "oops" }));
    }

    [Test]
    public async Task StandardStreamsTransportIsTheAcceptor()
    {
        // Console streams are duplicates of the process's descriptors, so disposing them leaves the test host's own open.
        await using StreamTransport transport = StandardStreamsTransport.Create();
        Assert.That(transport.Role, Is.EqualTo(AmpTransportRole.Acceptor));
        Assert.That(transport.Description, Is.EqualTo("stdio"));
    }
}
