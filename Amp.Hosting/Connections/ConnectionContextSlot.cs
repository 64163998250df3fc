namespace Amp.Hosting;

/// <summary>
/// The scoped holder of a connection scope's <see cref="AmpConnectionContext"/>, filled in as the scope is
/// created; the context itself is registered as a scoped service read from here.
/// </summary>
internal sealed class ConnectionContextSlot
{
    public AmpConnectionContext? Context { get; set; }

    public static AmpConnectionContext Read(IServiceProvider services) =>
        ((ConnectionContextSlot)services.GetService(typeof(ConnectionContextSlot))!).Context
        ?? throw new InvalidOperationException(
            "AmpConnectionContext exists only in the service scope of a connection accepted by an AMP listener (Amp.Hosting); this scope is not one.");
}
