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

    /// <summary>The top layer, or <see langword="null"/> when only the transport is there.</summary>
    public AmpLayer? TopLayer
    {
        get
        {
            lock (_lock)
            {
                return _layers.Count == 0 ? null : _layers[^1];
            }
        }
    }

    /// <summary>The pipe just below <paramref name="layer"/>.</summary>
    public System.IO.Pipelines.IDuplexPipe Below(AmpLayer layer)
    {
        lock (_lock)
        {
            int index = _layers.IndexOf(layer);
            return index <= 0 ? Transport : _layers[index - 1];
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
