namespace Amp.Hosting;

/// <summary>
/// The live connections of the AMP server (a singleton service): accepted and not yet ended, on every
/// listener. Enumerating takes a snapshot; a connection in it may end at any time (its calls then fail with
/// <see cref="AmpConnectionLostException"/>, or <see cref="AmpConnectionClosingException"/> while it closes).
/// </summary>
/// <example>
/// <code>
/// foreach (AmpConnectionContext client in connections)
/// {
///     _ = client.Connection.SendAsync(new Notify { Message = "hello, everyone" });
/// }
/// </code>
/// </example>
public interface IAmpConnections : IReadOnlyCollection<AmpConnectionContext>
{
}
