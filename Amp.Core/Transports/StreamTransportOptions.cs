using System.Buffers;

namespace Amp.Transports;

/// <summary>Buffering and ownership settings for a <see cref="StreamTransport"/>.</summary>
public sealed record StreamTransportOptions
{
    private int _bufferSize = 16 * 1024;
    private int _minimumReadSize = 4 * 1024;
    private int _minimumWriteBufferSize = 4 * 1024;

    /// <summary>The pool the pipe buffers come from; <see langword="null"/> means <see cref="MemoryPool{T}.Shared"/>.</summary>
    public MemoryPool<byte>? MemoryPool { get; init; }

    /// <summary>The size of the buffer each read from the stream fills. Default 16 KiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int BufferSize
    {
        get => _bufferSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _bufferSize = value;
        }
    }

    /// <summary>
    /// The least free space a read buffer must have before a new one is rented. Default 4 KiB;
    /// must not exceed <see cref="BufferSize"/> when the transport is created.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MinimumReadSize
    {
        get => _minimumReadSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _minimumReadSize = value;
        }
    }

    /// <summary>The least size of a buffer rented for writing. Default 4 KiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MinimumWriteBufferSize
    {
        get => _minimumWriteBufferSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _minimumWriteBufferSize = value;
        }
    }

    /// <summary>
    /// When <see langword="true"/>, the transport never disposes the stream(s): neither on
    /// <see cref="StreamTransport.DisposeAsync"/> nor when <see cref="AmpTransport.Output"/> is completed.
    /// Default <see langword="false"/>.
    /// </summary>
    public bool LeaveOpen { get; init; }

    /// <summary>The transport's <see cref="AmpTransport.Description"/>; <see langword="null"/> names the stream type.</summary>
    public string? Description { get; init; }
}
