namespace Amp;

/// <summary>
/// The application's state for one connection (<see cref="AmpConnection.Items"/>), one object per type: a
/// session, who the peer said it is, what it subscribed to. Responders reach it through the connection they
/// are given, so state lives exactly as long as the connection object, with no table keyed by connection.
/// </summary>
/// <remarks>
/// Thread-safe: responders of one connection run concurrently. The connection never disposes what is
/// stored here; whoever stores a disposable object disposes it when <see cref="AmpConnection.Completion"/>
/// completes (Amp.Hosting disposes the connection's service scope then).
/// </remarks>
public sealed class AmpConnectionItems
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Type, object> _items = [];

    internal AmpConnectionItems()
    {
    }

    /// <summary>How many objects are stored.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>The object stored for <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type it was stored as.</typeparam>
    /// <returns>The object, or <see langword="null"/> when none is stored.</returns>
    public T? Get<T>()
        where T : class
    {
        lock (_lock)
        {
            return _items.TryGetValue(typeof(T), out object? value) ? (T)value : null;
        }
    }

    /// <summary>Stores <paramref name="value"/> for <typeparamref name="T"/>, replacing what was stored for it.</summary>
    /// <typeparam name="T">The type it is found by.</typeparam>
    /// <param name="value">The object.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public void Set<T>(T value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            _items[typeof(T)] = value;
        }
    }

    /// <summary>
    /// The object stored for <typeparamref name="T"/>, created and stored first if there is none. Concurrent
    /// callers get the same object: <paramref name="create"/> runs at most once per type (while other callers
    /// for this connection wait), so keep it short.
    /// </summary>
    /// <typeparam name="T">The type it is found by.</typeparam>
    /// <param name="create">Creates the object; must not return <see langword="null"/>.</param>
    /// <returns>The stored object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is or returns <see langword="null"/>.</exception>
    public T GetOrAdd<T>(Func<T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_lock)
        {
            if (_items.TryGetValue(typeof(T), out object? value))
            {
                return (T)value;
            }

            T created = create() ?? throw new ArgumentNullException(nameof(create), $"The factory of {typeof(T).Name} returned null.");
            _items[typeof(T)] = created;
            return created;
        }
    }

    /// <summary>Removes the object stored for <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type it was stored as.</typeparam>
    /// <returns>The object removed, or <see langword="null"/> when none was stored.</returns>
    public T? Remove<T>()
        where T : class
    {
        lock (_lock)
        {
            return _items.Remove(typeof(T), out object? value) ? (T)value : null;
        }
    }
}
