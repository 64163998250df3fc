using System.Collections.Concurrent;

namespace Amp.BoxProtocol;

/// <summary>
/// One timer for every connection's receive limits, as Kestrel's heartbeat: once a second it checks each
/// watched connection. It starts with the first connection that has a limit on.
/// </summary>
internal static class ReceiveHeartbeat
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private static readonly ConcurrentDictionary<ReceiveWatch, byte> s_watched = new();
    private static readonly Lazy<Timer> s_timer = new(() => new Timer(static _ => Tick(), null, s_interval, s_interval));

    public static void Add(ReceiveWatch watch)
    {
        s_watched.TryAdd(watch, 0);
        _ = s_timer.Value;
    }

    public static void Remove(ReceiveWatch watch) => s_watched.TryRemove(watch, out _);

    private static void Tick()
    {
        long now = Environment.TickCount64;
        foreach (KeyValuePair<ReceiveWatch, byte> entry in s_watched)
        {
            try
            {
                entry.Key.Check(now);
            }
            catch (Exception)
            {
                // A timer thread must never throw; ending a connection is already failure-proof, so this is a
                // last resort that keeps the other connections watched.
            }
        }
    }
}
