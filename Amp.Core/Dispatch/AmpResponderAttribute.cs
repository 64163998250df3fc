namespace Amp;

/// <summary>
/// Marks a method as the responder of the command type of its first parameter. Registered with
/// <see cref="AmpResponders.AddObject(object)"/>, or per connection with <see cref="AmpResponders.AddObject{T}(Func{AmpConnection, T})"/>. The method may also take an <see cref="AmpConnection"/>
/// (to call the peer back) and a <see cref="CancellationToken"/> (cancelled when the connection ends),
/// and returns the response, a <see cref="Task{TResult}"/> or a <see cref="ValueTask{TResult}"/> of it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class AmpResponderAttribute : Attribute
{
}
