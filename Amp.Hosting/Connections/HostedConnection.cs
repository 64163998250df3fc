using Microsoft.Extensions.DependencyInjection;

namespace Amp.Hosting;

/// <summary>
/// A connection accepted by a hosted listener, with its service scope. Found in the connection's
/// <see cref="AmpConnection.Items"/>: created by whichever comes first, the listener right after starting the
/// connection or the first responder resolved for it (the read loop may answer a command before
/// <see cref="AmpConnection.Start"/> has returned).
/// </summary>
internal sealed class HostedConnection
{
    private readonly AsyncServiceScope _scope;

    private HostedConnection(AmpConnection connection, string listenerName, IServiceScopeFactory scopes)
    {
        _scope = scopes.CreateAsyncScope();
        Context = new AmpConnectionContext(connection, listenerName, _scope.ServiceProvider);
        _scope.ServiceProvider.GetRequiredService<ConnectionContextSlot>().Context = Context;
    }

    public AmpConnectionContext Context { get; }

    /// <summary>Completes once the connection has ended and its scope is disposed.</summary>
    public Task Ended { get; set; } = Task.CompletedTask;

    /// <summary>The hosted state of <paramref name="connection"/>, created with its scope on first use.</summary>
    public static HostedConnection Of(AmpConnection connection, string listenerName, IServiceScopeFactory scopes) =>
        connection.Items.GetOrAdd(() => new HostedConnection(connection, listenerName, scopes));

    public ValueTask DisposeScopeAsync() => _scope.DisposeAsync();
}
