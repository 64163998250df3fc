using System.ComponentModel;
using Amp.Descriptors;

namespace Amp.Generated;

/// <summary>
/// Where the code Amp.Generators writes registers what it compiled: records (commands, responses,
/// AmpList elements), commands and responder classes. Called from the generated module initializer of
/// the assembly that declares them; the reflection path describes only what is not registered here.
/// Not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AmpGeneratedRegistry
{
    /// <summary>Registers the fields of a record and how to create an empty one.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="factory">Creates an instance to read a box into.</param>
    /// <param name="fields">Its <see cref="AmpArgumentAttribute"/> properties, in any order.</param>
    public static void Record<T>(Func<T> factory, params AmpFieldBinding<T>[] fields)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(fields);
        var descriptors = new FieldDescriptor<T>[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            descriptors[i] = fields[i].Descriptor;
        }

        GeneratedRecord<T>.Set(factory, descriptors);
    }

    /// <summary>Registers a command (its arguments and response are registered as records).</summary>
    /// <typeparam name="TCommand">The command type.</typeparam>
    /// <typeparam name="TResponse">Its response type (<see cref="AmpEmptyResponse"/> for a protocol switch).</typeparam>
    /// <param name="name">The wire name.</param>
    /// <param name="requiresAnswer">Whether callers ask for an answer.</param>
    /// <param name="errors">The declared errors, most derived declarations first.</param>
    public static void Command<TCommand, TResponse>(string name, bool requiresAnswer, params AmpErrorBinding[] errors)
        where TCommand : class
        where TResponse : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(errors);
        var descriptors = new ErrorDescriptor[errors.Length];
        for (int i = 0; i < errors.Length; i++)
        {
            descriptors[i] = errors[i].Descriptor;
        }

        GeneratedCatalog.AddCommand(typeof(TCommand), () => CommandDescriptor<TCommand, TResponse>.CreateGenerated(name, requiresAnswer, descriptors));
    }

    /// <summary>A declared error of a command.</summary>
    /// <typeparam name="TException">The exception type.</typeparam>
    /// <param name="code">The wire code.</param>
    /// <param name="fatal">Whether the responder closes the connection after sending it.</param>
    /// <param name="create">Builds the exception from the error's description.</param>
    /// <returns>The binding, for <see cref="Command{TCommand, TResponse}"/>.</returns>
    public static AmpErrorBinding Error<TException>(string code, bool fatal, Func<string, TException> create)
        where TException : Exception
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(create);
        return new AmpErrorBinding(ErrorDescriptor.Create(code, typeof(TException), fatal, create));
    }

    /// <summary>Registers how <see cref="AmpResponders.AddObject(object)"/> adds the <see cref="AmpResponderAttribute"/> methods of <typeparamref name="TTarget"/>.</summary>
    /// <typeparam name="TTarget">The class declaring the methods.</typeparam>
    /// <param name="add">Adds one responder per method, bound to the target.</param>
    public static void Responders<TTarget>(Action<TTarget, AmpResponders> add)
        where TTarget : class
    {
        ArgumentNullException.ThrowIfNull(add);
        GeneratedCatalog.AddResponders(typeof(TTarget), (target, responders) => add((TTarget)target, responders));
    }
}
