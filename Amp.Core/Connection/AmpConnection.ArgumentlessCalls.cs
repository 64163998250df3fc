namespace Amp;

public sealed partial class AmpConnection
{
    /// <summary>
    /// Calls a command that takes no arguments and answers with no fields, such as Twisted's
    /// <c>StartTLS</c>: <c>await connection.CallRemoteAsync&lt;StartTls&gt;()</c>. The same as
    /// <see cref="CallRemoteAsync{TResponse}(IAmpCommand{TResponse}, CancellationToken)"/> with
    /// <c>new TCommand()</c>, and it allocates no more.
    /// </summary>
    /// <typeparam name="TCommand">The command type; it is created with its parameterless constructor.</typeparam>
    /// <param name="cancellationToken">Stops waiting for the answer (AMP has no way to cancel the remote work).</param>
    /// <returns>The (empty) response.</returns>
    /// <remarks>
    /// A command without arguments whose response has fields is called the same way when its assembly uses
    /// Amp.Generators: the generator adds an overload for that response type (docs/source-generator.md).
    /// </remarks>
    /// <exception cref="AmpDefinitionException">The command type's declaration is invalid (thrown synchronously).</exception>
    /// <exception cref="InvalidOperationException">The command asks for no answer; use <see cref="SendAsync{TResponse}"/>.</exception>
    /// <exception cref="AmpArgumentException">The command declares a required argument (the task faults; nothing is sent).</exception>
    /// <exception cref="AmpRemoteException">The peer answered with an undeclared error code (declared codes fault with their declared exception type).</exception>
    /// <exception cref="AmpConnectionLostException">The connection ended before the answer.</exception>
    /// <exception cref="AmpConnectionClosingException">A graceful close has begun on either side (the task faults; nothing is sent).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<AmpEmptyResponse> CallRemoteAsync<TCommand>(CancellationToken cancellationToken = default)
        where TCommand : class, IAmpCommand<AmpEmptyResponse>, new() =>
        CallRemoteAsync<AmpEmptyResponse>(new TCommand(), cancellationToken);

    /// <summary>
    /// Calls a command that takes no arguments and answers with no fields, with a timeout of its own; see
    /// <see cref="CallRemoteAsync{TResponse}(IAmpCommand{TResponse}, TimeSpan, CancellationToken)"/>.
    /// </summary>
    /// <typeparam name="TCommand">The command type; it is created with its parameterless constructor.</typeparam>
    /// <param name="timeout">How long to wait for the answer; <see cref="Timeout.InfiniteTimeSpan"/> for no limit of its own.</param>
    /// <param name="cancellationToken">Cancels the call (and, with the cancellation extension, the peer's responder).</param>
    /// <returns>The (empty) response.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive (and not infinite), or over 2,147,483,647 ms.</exception>
    /// <exception cref="TimeoutException">No answer came within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="AmpConnectionLostException">The connection ended before the answer.</exception>
    public Task<AmpEmptyResponse> CallRemoteAsync<TCommand>(TimeSpan timeout, CancellationToken cancellationToken = default)
        where TCommand : class, IAmpCommand<AmpEmptyResponse>, new() =>
        CallRemoteAsync<AmpEmptyResponse>(new TCommand(), timeout, cancellationToken);
}
