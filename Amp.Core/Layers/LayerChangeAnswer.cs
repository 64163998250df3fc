namespace Amp.Layers;

/// <summary>What a layer-changing responder decided: the response to send, and the change to make right after it.</summary>
/// <typeparam name="TResponse">The command's response type.</typeparam>
/// <param name="Response">The answer, written in the current top layer.</param>
/// <param name="Change">The change made after the answer, before anything else is read or written.</param>
public readonly record struct LayerChangeAnswer<TResponse>(TResponse Response, LayerChange Change)
    where TResponse : class;
