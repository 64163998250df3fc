namespace Amp;

/// <summary>
/// Marks a class as an AMP command whose answer is <typeparamref name="TResponse"/>. Declare the
/// command with <see cref="AmpCommandAttribute"/> and its arguments with <see cref="AmpArgumentAttribute"/>.
/// </summary>
/// <typeparam name="TResponse">The response class (use <see cref="AmpEmptyResponse"/> for none).</typeparam>
/// <example>
/// <code>
/// [AmpCommand("Sum")]
/// public sealed class Sum : IAmpCommand&lt;SumResult&gt;
/// {
///     [AmpArgument("a")] public int A { get; init; }
///     [AmpArgument("b")] public int B { get; init; }
/// }
/// public sealed class SumResult { [AmpArgument("total")] public int Total { get; init; } }
/// </code>
/// </example>
#pragma warning disable CA1040 // The marker carries the response type for CallRemoteAsync's type inference.
public interface IAmpCommand<TResponse>
    where TResponse : class
{
}
#pragma warning restore CA1040
