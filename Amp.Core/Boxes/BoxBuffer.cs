using System.Buffers;
using System.Buffers.Binary;

namespace Amp.Boxes;

/// <summary>
/// A growable buffer that one box is encoded into before it is handed to the connection's writer.
/// Value lengths are patched in after the value is written, so argument types can write straight into it.
/// One instance is cached per thread; encoding a box allocates nothing once the buffer has grown.
/// </summary>
internal sealed class BoxBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 256;
    private const int RetainedSize = 256 * 1024;

    [ThreadStatic]
    private static BoxBuffer? t_cached;

    private byte[] _buffer = new byte[InitialSize];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>Takes this thread's buffer, or a new one if it is in use.</summary>
    public static BoxBuffer Rent()
    {
        BoxBuffer? buffer = t_cached;
        if (buffer is null)
        {
            return new BoxBuffer();
        }

        t_cached = null;
        return buffer;
    }

    /// <summary>Gives the buffer back to this thread's cache.</summary>
    public static void Return(BoxBuffer buffer)
    {
        buffer._length = 0;
        if (buffer._buffer.Length > RetainedSize)
        {
            buffer._buffer = new byte[InitialSize];
        }

        t_cached = buffer;
    }

    public void Reset() => _length = 0;

    /// <summary>Gives away the array holding what was written and goes on, empty, with <paramref name="replacement"/>.</summary>
    public byte[] ExchangeBuffer(byte[] replacement)
    {
        byte[] written = _buffer;
        _buffer = replacement;
        _length = 0;
        return written;
    }

    public void Truncate(int length) => _length = length;

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_length);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes a key with its length prefix (the key is known to be 1..255 bytes).</summary>
    public void WriteKey(ReadOnlySpan<byte> key)
    {
        Ensure(key.Length + 2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), (ushort)key.Length);
        key.CopyTo(_buffer.AsSpan(_length + 2));
        _length += key.Length + 2;
    }

    /// <summary>Reserves the value's length prefix; returns where the value starts.</summary>
    public int BeginValue()
    {
        Ensure(2);
        _length += 2;
        return _length;
    }

    /// <summary>Patches the length prefix of the value that started at <paramref name="start"/>; returns its length.</summary>
    /// <remarks>A value longer than 65535 bytes is left unpatched; the caller must report it and discard the box.</remarks>
    public int EndValue(int start)
    {
        int length = _length - start;
        if (length <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(start - 2), (ushort)length);
        }

        return length;
    }

    /// <summary>Writes a complete key/value pair; the value is known to fit.</summary>
    public void WriteEntry(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        WriteKey(key);
        Ensure(value.Length + 2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), (ushort)value.Length);
        value.CopyTo(_buffer.AsSpan(_length + 2));
        _length += value.Length + 2;
    }

    public void WriteEnd()
    {
        Ensure(2);
        _buffer[_length] = 0;
        _buffer[_length + 1] = 0;
        _length += 2;
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (_buffer.Length - _length >= sizeHint)
        {
            return;
        }

        int newSize = Math.Max(_buffer.Length * 2, _length + sizeHint);
        Array.Resize(ref _buffer, newSize);
    }
}
