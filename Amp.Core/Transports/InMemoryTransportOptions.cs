using System.Buffers;

namespace Amp.Transports;

/// <summary>
/// Settings for <see cref="InMemoryTransport.CreatePair"/>, including read splitting so tests can make
/// every message boundary land anywhere within a read.
/// </summary>
public sealed class InMemoryTransportOptions
{
    private long _maxBufferedBytes = 1024 * 1024;
    private int? _maxBytesPerRead;

    /// <summary>The pool the pipe buffers come from; <see langword="null"/> means <see cref="MemoryPool{T}.Shared"/>.</summary>
    public MemoryPool<byte>? MemoryPool { get; init; }

    /// <summary>
    /// How many flushed bytes may wait unread in each direction before the writer's
    /// <see cref="System.IO.Pipelines.PipeWriter.FlushAsync"/> waits; it resumes below half. Default 1 MiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxBufferedBytes
    {
        get => _maxBufferedBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxBufferedBytes = value;
        }
    }

    /// <summary>
    /// The most bytes one read reveals beyond those the reader has already seen; 1 delivers one byte
    /// per read. <see langword="null"/> (the default) means no limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int? MaxBytesPerRead
    {
        get => _maxBytesPerRead;
        init
        {
            if (value is { } limit)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
            }

            _maxBytesPerRead = value;
        }
    }

    /// <summary>
    /// When set, each read reveals a random number of new bytes, from 1 to what is available (capped by
    /// <see cref="MaxBytesPerRead"/>), drawn from a <see cref="Random"/> seeded with this value (the
    /// acceptor's reads use the seed plus one). Print the seed in tests so a failure can be replayed.
    /// <see langword="null"/> (the default) means no random splitting.
    /// </summary>
    public int? SplitSeed { get; init; }
}
