using System.IO.Pipelines;
using Amp.Transports;

namespace Amp.Layers;

/// <summary>
/// The pipes a connection runs over: the transport at the bottom, layers pushed on it. AMP reads and
/// writes <see cref="Top"/>. Changes happen only at box boundaries, driven by the connection.
/// </summary>
internal sealed class LayerStack
{
    private readonly Lock _lock = new();
    private readonly List<AmpLayer> _layers = new();
    private int _popping;

    public LayerStack(AmpTransport transport)
    {
        Transport = transport;
    }

    public AmpTransport Transport { get; }

    public IDuplexPipe Top
    {
        get
        {
            lock (_lock)
            {
                return _layers.Count == 0 ? Transport : _layers[^1];
            }
        }
    }

    /// <summary>
    /// The top layer still written to: layers being popped (their writing side closed, their input read
    /// until the peer's close) are above it. <see langword="null"/> when boxes go to the transport.
    /// </summary>
    public AmpLayer? WritingTopLayer
    {
        get
        {
            lock (_lock)
            {
                int writing = _layers.Count - _popping;
                return writing == 0 ? null : _layers[writing - 1];
            }
        }
    }

    /// <summary>The layers boxes are written through (those being popped left out), bottom first.</summary>
    public AmpLayer[] WritingLayers()
    {
        lock (_lock)
        {
            return _layers.GetRange(0, _layers.Count - _popping).ToArray();
        }
    }

    /// <summary>Whether the top layer is being popped: the end of its input reveals the layer below.</summary>
    public bool TopIsPopping => Volatile.Read(ref _popping) > 0;

    /// <summary>Marks the writing top as being popped; returns the pipe below it, which boxes are written to from now on.</summary>
    public IDuplexPipe MarkWritingTopPopping()
    {
        lock (_lock)
        {
            int writing = _layers.Count - _popping;
            if (writing == 0)
            {
                throw new InvalidOperationException("There is no layer to pop.");
            }

            _popping++;
            return writing == 1 ? Transport : _layers[writing - 2];
        }
    }

    /// <summary>The pushed layers, bottom first.</summary>
    public AmpLayer[] Snapshot()
    {
        lock (_lock)
        {
            return _layers.ToArray();
        }
    }

    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _layers.Count;
            }
        }
    }

    /// <summary>Names from the bottom up, such as <c>tcp 127.0.0.1:1-&gt;127.0.0.1:2 | tls(1.3)</c>.</summary>
    public string Describe()
    {
        lock (_lock)
        {
            var names = new List<string>(_layers.Count + 1) { Transport.Description };
            foreach (AmpLayer layer in _layers)
            {
                names.Add(layer.Name);
            }

            return string.Join(" | ", names);
        }
    }

    public void Push(AmpLayer layer)
    {
        lock (_lock)
        {
            if (_popping > 0)
            {
                throw new InvalidOperationException("A layer cannot be pushed while the one below it is still being popped.");
            }

            _layers.Add(layer);
        }
    }

    public AmpLayer? Pop()
    {
        lock (_lock)
        {
            if (_layers.Count == 0)
            {
                return null;
            }

            AmpLayer top = _layers[^1];
            _layers.RemoveAt(_layers.Count - 1);
            _popping = Math.Max(0, _popping - 1);
            return top;
        }
    }

    /// <summary>Disposes every layer, top first, then the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        AmpLayer? layer;
        while ((layer = Pop()) is not null)
        {
            try
            {
                await layer.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Tearing down: the transport below is closed next whatever the layer reported.
            }
        }

        await Transport.DisposeAsync().ConfigureAwait(false);
    }
}
