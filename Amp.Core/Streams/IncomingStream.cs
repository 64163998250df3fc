using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Streams;

/// <summary>
/// The receiving end of one peer stream: the chunks the read loop delivers, read by the application as a
/// <see cref="PipeReader"/> (or a <see cref="Stream"/> over it). What the application consumes is
/// granted back to the sender (<see cref="StreamTable"/>), so at most one window is ever buffered.
/// </summary>
internal sealed class IncomingStream : PipeReader
{
    private static readonly PipeOptions s_options = new(pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false);

    private readonly Pipe _pipe = new(s_options);
    private readonly StreamTable _table;
    private readonly Lock _writing = new();
    private bool _finished;
    private long _inPipe;
    private DirectRead? _direct;
    private ReadOnlySequence<byte> _lastRead;
    private Stream? _stream;

    public IncomingStream(StreamTable table, ulong id)
    {
        _table = table;
        Id = id;
    }

    /// <summary>The sender's id.</summary>
    public ulong Id { get; }

    // The counters below are guarded by the table's lock.

    /// <summary>Bytes granted to the sender in all.</summary>
    public long Granted { get; set; }

    /// <summary>Bytes received in all.</summary>
    public long Received { get; set; }

    /// <summary>Bytes the application has consumed in all.</summary>
    public long Consumed { get; set; }

    /// <summary>Whether a field of a call or answer took this stream (an unclaimed stream is stopped).</summary>
    public bool Claimed { get; set; }

    /// <summary>Whether the sender's end (or error) arrived.</summary>
    public bool Ended { get; set; }

    /// <summary>Whether this side asked the sender to stop; later chunks are dropped.</summary>
    public bool Stopped { get; set; }

    /// <summary>Whether this stream waits in the table's queue for room in the connection's budget.</summary>
    public bool Starved { get; set; }

    /// <summary>The stream the application reads, made once.</summary>
    public Stream ApplicationStream => _stream ??= new IncomingByteStream(this);

    /// <summary>Appends a chunk (read loop): straight into a read that waits for it, the rest into the pipe.</summary>
    /// <remarks>
    /// The pipe's writing end is used from the read loop (chunks, the end) and from whoever releases the
    /// stream (a responder completing, the reader giving up): one at a time, and never after it is finished.
    /// </remarks>
    public void Deliver(ReadOnlySpan<byte> chunk)
    {
        DirectRead? read;
        int direct = 0;
        lock (_writing)
        {
            if (_finished)
            {
                return;
            }

            read = _direct;
            _direct = null;
            if (read is not null)
            {
                direct = Math.Min(chunk.Length, read.Buffer.Length);
                chunk.Slice(0, direct).CopyTo(read.Buffer.Span);
            }

            if (direct < chunk.Length)
            {
                _pipe.Writer.Write(chunk.Slice(direct));
                ValueTask<FlushResult> flush = _pipe.Writer.FlushAsync();
                if (!flush.IsCompleted)
                {
                    // Never happens: the pipe does not pause (credit bounds it). Observe it anyway.
                    _ = flush.AsTask();
                }

                Interlocked.Add(ref _inPipe, chunk.Length - direct);
            }
        }

        if (read is not null)
        {
            read.Registration.Dispose();
            read.TrySetResult(direct);
            _table.OnConsumed(this, direct);
        }
    }

    /// <summary>
    /// For a read that found the pipe empty: returns a task the next chunk completes by copying into
    /// <paramref name="buffer"/>, or <see langword="null"/> when bytes (or the end) arrived meanwhile and the
    /// pipe must be read instead.
    /// </summary>
    public Task<int>? WaitForChunk(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = new DirectRead(buffer);
        lock (_writing)
        {
            if (_finished || Interlocked.Read(ref _inPipe) > 0 || _direct is not null)
            {
                return null;
            }

            _direct = read;
        }

        if (cancellationToken.CanBeCanceled)
        {
            read.Registration = cancellationToken.UnsafeRegister(static (state, token) =>
            {
                var (stream, waiting) = ((IncomingStream, DirectRead))state!;
                lock (stream._writing)
                {
                    if (stream._direct != waiting)
                    {
                        return; // A chunk or the end took it first.
                    }

                    stream._direct = null;
                }

                waiting.TrySetCanceled(token);
            }, (this, read));
        }

        return read.Task;
    }

    /// <summary>Ends the stream for the application (once): at the end of the data, or with <paramref name="error"/>.</summary>
    public void Finish(Exception? error)
    {
        DirectRead? read;
        lock (_writing)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            read = _direct;
            _direct = null;
            _pipe.Writer.Complete(error);
        }

        if (read is not null)
        {
            read.Registration.Dispose();
            if (error is null)
            {
                read.TrySetResult(0);
            }
            else
            {
                read.TrySetException(error);
            }
        }
    }

    /// <inheritdoc/>
    public override bool TryRead(out ReadResult result)
    {
        bool read = _pipe.Reader.TryRead(out result);
        _lastRead = read ? result.Buffer : default;
        return read;
    }

    /// <inheritdoc/>
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ReadResult result = await _pipe.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        _lastRead = result.Buffer;
        return result;
    }

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc/>
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        long count = _lastRead.Slice(_lastRead.Start, consumed).Length;
        _lastRead = default;
        _pipe.Reader.AdvanceTo(consumed, examined);
        if (count > 0)
        {
            Interlocked.Add(ref _inPipe, -count);
            _table.OnConsumed(this, count);
        }
    }

    /// <inheritdoc/>
    public override void CancelPendingRead() => _pipe.Reader.CancelPendingRead();

    /// <inheritdoc/>
    public override void Complete(Exception? exception = null)
    {
        _pipe.Reader.Complete(exception);
        _table.OnReaderDone(this);
    }

    /// <summary>A read waiting for the next chunk, with its buffer.</summary>
    private sealed class DirectRead(Memory<byte> buffer) : TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Memory<byte> Buffer { get; } = buffer;

        public CancellationTokenRegistration Registration { get; set; }
    }
}
