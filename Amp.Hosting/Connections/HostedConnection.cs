using Microsoft.Extensions.DependencyInjection;

namespace Amp.Hosting;

/// <summary>
/// A connection accepted by a hosted listener, with its service scope; kept in the connection's
/// <see cref="AmpConnection.Items"/> (see <c>ConnectionHosting.Attach</c>).
/// </summary>
internal sealed class HostedConnection
{
    private readonly AsyncServiceScope _scope;
    private int _served;

    public HostedConnection(AmpConnection connection, string listenerName, IServiceScopeFactory scopes)
    {
        _scope = scopes.CreateAsyncScope();
        Context = new AmpConnectionContext(connection, listenerName, _scope.ServiceProvider);
        _scope.ServiceProvider.GetRequiredService<ConnectionContextSlot>().Context = Context;
    }

    public AmpConnectionContext Context { get; }

    /// <summary>Completes once the connection has ended and its scope is disposed.</summary>
    public Task Ended { get; set; } = Task.CompletedTask;

    /// <summary>True the first time only: the connection is now served (its end awaited, its scope disposed after it).</summary>
    public bool TryMarkServed() => Interlocked.Exchange(ref _served, 1) == 0;

    public ValueTask DisposeScopeAsync() => _scope.DisposeAsync();
}
