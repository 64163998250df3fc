using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Faults;

/// <summary>How a <see cref="FaultWire"/> is cut.</summary>
public enum Fault
{
    /// <summary>Both ends read the end of the stream after what was delivered; what they write later is dropped.</summary>
    Eof,

    /// <summary>Both ends' reads throw an <see cref="IOException"/> (connection reset) after what was delivered; their writes throw it.</summary>
    Reset,
}

/// <summary>A direction on a <see cref="FaultWire"/>.</summary>
internal enum Direction
{
    ToAcceptor,
    ToInitiator,
}

/// <summary>
/// The network between two transport ends, in memory: it forwards each direction's bytes, counts and
/// records them, and can cut the connection once exactly a given number of bytes has passed in one
/// direction (<see cref="CutAfter"/>), with a clean end of stream or a reset. A cut ends both directions at
/// once; the other direction delivers what had passed it by then. An end that completes its output (its
/// connection closing) half-closes its direction, as a TCP FIN does.
/// </summary>
internal sealed class FaultWire
{
    private readonly Lock _lock = new();
    private readonly Lane _toAcceptor;
    private readonly Lane _toInitiator;
    private readonly TaskCompletionSource<Fault> _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FaultWire()
    {
        _toAcceptor = new Lane(this, Direction.ToAcceptor);
        _toInitiator = new Lane(this, Direction.ToInitiator);
        Initiator = new DuplexPipeTransport(new DuplexPipe(_toInitiator.Input, _toAcceptor.Output), AmpTransportRole.Initiator, "faulty initiator");
        Acceptor = new DuplexPipeTransport(new DuplexPipe(_toAcceptor.Input, _toInitiator.Output), AmpTransportRole.Acceptor, "faulty acceptor");
    }

    public AmpTransport Initiator { get; }

    public AmpTransport Acceptor { get; }

    /// <summary>Completes with the fault when the wire is cut.</summary>
    public Task<Fault> Cut => _cut.Task;

    /// <summary>Bytes delivered in <paramref name="direction"/> so far.</summary>
    public long Forwarded(Direction direction)
    {
        lock (_lock)
        {
            return LaneFor(direction).Forwarded;
        }
    }

    /// <summary>The bytes delivered in <paramref name="direction"/>, from byte <paramref name="from"/> on.</summary>
    public byte[] Recorded(Direction direction, long from)
    {
        lock (_lock)
        {
            return LaneFor(direction).Recorded.WrittenSpan[(int)from..].ToArray();
        }
    }

    /// <summary>
    /// Cuts the connection once <paramref name="total"/> bytes in all have been delivered in
    /// <paramref name="direction"/>: when the byte that reaches the count is delivered, or when more bytes
    /// come after it already was.
    /// </summary>
    public void CutAfter(Direction direction, long total, Fault fault)
    {
        lock (_lock)
        {
            Lane lane = LaneFor(direction);
            lane.CutAt = total;
            lane.CutFault = fault;
        }

        LaneFor(direction).Wake();
    }

    /// <summary>Cuts the connection now (if it was not cut already) and waits until both directions have stopped.</summary>
    public async Task CutAsync(Fault fault)
    {
        lock (_lock)
        {
            MarkCut(fault);
        }

        _toAcceptor.Wake();
        _toInitiator.Wake();
        await Task.WhenAll(_toAcceptor.Pumping, _toInitiator.Pumping).ConfigureAwait(false);
    }

    /// <summary>For diagnostics: what passed each way, and whether and how the wire was cut.</summary>
    public override string ToString()
    {
        lock (_lock)
        {
            string cut = _cut.Task.IsCompleted ? $"cut ({_cut.Task.Result})" : "not cut";
            return $"wire: {_toAcceptor.Forwarded} bytes to the acceptor, {_toInitiator.Forwarded} to the initiator, {cut}";
        }
    }

    private Lane LaneFor(Direction direction) => direction == Direction.ToAcceptor ? _toAcceptor : _toInitiator;

    /// <summary>Under the lock.</summary>
    private void MarkCut(Fault fault)
    {
        if (_cut.TrySetResult(fault))
        {
            _toAcceptor.Wake();
            _toInitiator.Wake();
        }
    }

    private static IOException ResetException(Direction direction) => new(
        $"faulty wire towards the {(direction == Direction.ToAcceptor ? "acceptor" : "initiator")}: ConnectionReset: the connection was reset {FaultOutcome.InjectedFault}",
        new SocketException((int)SocketError.ConnectionReset));

    /// <summary>One direction: what one end writes, pumped to what the other end reads.</summary>
    private sealed class Lane
    {
        private readonly FaultWire _wire;
        private readonly Direction _direction;
        private readonly Pipe _sent = new(new PipeOptions(useSynchronizationContext: false));
        private readonly Pipe _delivered = new(new PipeOptions(useSynchronizationContext: false));
        private readonly ResetPipeReader _input;

        public Lane(FaultWire wire, Direction direction)
        {
            _wire = wire;
            _direction = direction;
            _input = new ResetPipeReader(_delivered.Reader);
            Pumping = Task.Run(PumpAsync);
        }

        public PipeReader Input => _input;

        public PipeWriter Output => _sent.Writer;

        public Task Pumping { get; }

        /// <summary>Under the wire's lock, as the next three.</summary>
        public long Forwarded { get; private set; }

        public ArrayBufferWriter<byte> Recorded { get; } = new();

        public long CutAt { get; set; } = long.MaxValue;

        public Fault CutFault { get; set; }

        /// <summary>Lets the pump look at the wire's state again.</summary>
        public void Wake()
        {
            _sent.Reader.CancelPendingRead();
            _delivered.Writer.CancelPendingFlush();
        }

        private async Task PumpAsync()
        {
            PipeReader from = _sent.Reader;
            PipeWriter to = _delivered.Writer;
            bool halfClosed = false;
            while (true)
            {
                ReadResult result = await from.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                ReadOnlySequence<byte> passing;
                lock (_wire._lock)
                {
                    if (_wire._cut.Task.IsCompleted)
                    {
                        break;
                    }

                    long room = Math.Max(0, CutAt - Forwarded);
                    passing = buffer.Length > room ? buffer.Slice(0, room) : buffer;
                    foreach (ReadOnlyMemory<byte> segment in passing)
                    {
                        to.Write(segment.Span);
                        Recorded.Write(segment.Span);
                    }

                    Forwarded += passing.Length;
                    // The byte that reaches the count was delivered, or more came after it: a wake-up alone cuts nothing.
                    if (Forwarded >= CutAt && (!buffer.IsEmpty || result.IsCompleted))
                    {
                        _wire.MarkCut(CutFault);
                    }
                }

                from.AdvanceTo(passing.End);
                FlushResult flushed = await to.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    // The receiving end closed its input: what is written this way is dropped from now on.
                    break;
                }

                if (result.IsCompleted && !_wire._cut.Task.IsCompleted)
                {
                    halfClosed = true;
                    break;
                }
            }

            Fault? fault = halfClosed || !_wire._cut.Task.IsCompleted ? null : _wire._cut.Task.Result;
            if (fault == Fault.Reset)
            {
                _input.ResetAtEnd(() => ResetException(_direction));
                await from.CompleteAsync(ResetException(_direction)).ConfigureAwait(false);
            }
            else
            {
                await from.CompleteAsync().ConfigureAwait(false);
            }

            await to.CompleteAsync().ConfigureAwait(false);
        }
    }
}
