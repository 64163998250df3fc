using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using Amp.Boxes;
using Amp.Generated;
using Amp.Layers;

namespace Amp;

/// <summary>
/// The commands one side answers, by wire name. Build it before starting connections; one instance may
/// serve many connections. Adding a responder validates the command's declaration at once.
/// </summary>
/// <example>
/// <code>
/// var responders = new AmpResponders()
///     .Add((Sum c) =&gt; new SumResult { Total = c.A + c.B })
///     .Add(async (Slow c, CancellationToken ct) =&gt; { await Task.Delay(c.Ms, ct); return new SlowResult(); });
/// </code>
/// </example>
public sealed class AmpResponders
{
    private readonly Lock _lock = new();
    private ResponderEntry[] _entries = [];

    /// <summary>The wire names of the commands answered.</summary>
    public IReadOnlyList<string> CommandNames
    {
        get
        {
            ResponderEntry[] entries = Volatile.Read(ref _entries);
            var names = new string[entries.Length];
            for (int i = 0; i < entries.Length; i++)
            {
                names[i] = entries[i].Name;
            }

            return names;
        }
    }

    /// <summary>Adds a synchronous responder.</summary>
    /// <typeparam name="TCommand">The command type.</typeparam>
    /// <typeparam name="TResponse">Its response type.</typeparam>
    /// <param name="responder">Returns the response, or throws a declared exception.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="AmpDefinitionException">The command's declaration is invalid.</exception>
    /// <exception cref="ArgumentException">The command already has a responder.</exception>
    /// <remarks>
    /// A lambda that only throws fits this overload and the <see cref="Task{TResult}"/> one alike; this one
    /// is preferred, so <c>Add&lt;Divide, DivideResult&gt;(_ =&gt; throw new DivideByZeroException())</c> compiles.
    /// </remarks>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public AmpResponders Add<TCommand, TResponse>(Func<TCommand, TResponse> responder)
        where TCommand : class, IAmpCommand<TResponse>
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(responder);
        return Add<TCommand, TResponse>((command, _, _) => new ValueTask<TResponse>(responder(command)));
    }

    /// <summary>Adds an asynchronous responder.</summary>
    /// <typeparam name="TCommand">The command type.</typeparam>
    /// <typeparam name="TResponse">Its response type.</typeparam>
    /// <param name="responder">Completes with the response, or fails with a declared exception.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="AmpDefinitionException">The command's declaration is invalid.</exception>
    /// <exception cref="ArgumentException">The command already has a responder.</exception>
    public AmpResponders Add<TCommand, TResponse>(Func<TCommand, Task<TResponse>> responder)
        where TCommand : class, IAmpCommand<TResponse>
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(responder);
        return Add<TCommand, TResponse>((command, _, _) => new ValueTask<TResponse>(responder(command)));
    }

    /// <summary>Adds an asynchronous responder that observes the connection's end.</summary>
    /// <typeparam name="TCommand">The command type.</typeparam>
    /// <typeparam name="TResponse">Its response type.</typeparam>
    /// <param name="responder">Takes the command and a token cancelled when the connection ends.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="AmpDefinitionException">The command's declaration is invalid.</exception>
    /// <exception cref="ArgumentException">The command already has a responder.</exception>
    public AmpResponders Add<TCommand, TResponse>(Func<TCommand, CancellationToken, Task<TResponse>> responder)
        where TCommand : class, IAmpCommand<TResponse>
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(responder);
        return Add<TCommand, TResponse>((command, _, cancellationToken) => new ValueTask<TResponse>(responder(command, cancellationToken)));
    }

    /// <summary>Adds a responder that can call the peer back over the same connection.</summary>
    /// <typeparam name="TCommand">The command type.</typeparam>
    /// <typeparam name="TResponse">Its response type.</typeparam>
    /// <param name="responder">Takes the command, the connection it arrived on, and a token cancelled when the connection ends.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="AmpDefinitionException">The command's declaration is invalid.</exception>
    /// <exception cref="ArgumentException">The command already has a responder.</exception>
    public AmpResponders Add<TCommand, TResponse>(Func<TCommand, AmpConnection, CancellationToken, ValueTask<TResponse>> responder)
        where TCommand : class, IAmpCommand<TResponse>
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(responder);
        return Register(new TypedResponderEntry<TCommand, TResponse>(responder));
    }

    /// <summary>
    /// Adds a responder for a command by name that takes and returns raw boxes. The returned box is the
    /// answer's fields (<c>_answer</c> is added). Throw <see cref="AmpRemoteException"/> to send a specific error code.
    /// </summary>
    /// <param name="commandName">The wire name.</param>
    /// <param name="responder">Takes the command box (reserved keys included) and returns the answer's fields.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">The command already has a responder, or the name is empty.</exception>
    public AmpResponders AddRaw(string commandName, Func<AmpBox, AmpConnection, CancellationToken, ValueTask<AmpBox>> responder)
    {
        ArgumentException.ThrowIfNullOrEmpty(commandName);
        ArgumentNullException.ThrowIfNull(responder);
        return Register(new RawResponderEntry(commandName, responder));
    }

    /// <summary>Adds every method of <paramref name="target"/> marked <see cref="AmpResponderAttribute"/>.</summary>
    /// <param name="target">The object whose methods answer.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="AmpDefinitionException">A method's signature or its command's declaration is invalid.</exception>
    public AmpResponders AddObject(object target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Type type = target.GetType();
        if (GeneratedCatalog.FindResponders(type, orBase: false) is { } generated)
        {
            generated(target, this);
            return this;
        }

        if (ReflectionFallback.IsSupported)
        {
            return AddObjectByReflection(target);
        }

        // Without reflection, a class that declares no responder of its own answers with its base class's.
        Action<object, AmpResponders> inherited = GeneratedCatalog.FindResponders(type, orBase: true) ?? throw ReflectionFallback.NotGenerated(type);
        inherited(target, this);
        return this;
    }

    [RequiresUnreferencedCode(ReflectionFallback.Reason)]
    [RequiresDynamicCode(ReflectionFallback.Reason)]
    private AmpResponders AddObjectByReflection(object target)
    {
        foreach (MethodInfo method in target.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<AmpResponderAttribute>() is not null)
            {
                Register(ResponderMethodBinder.Bind(target, method));
            }
        }

        return this;
    }

    /// <summary>
    /// Adds every method of <typeparamref name="T"/> marked <see cref="AmpResponderAttribute"/>, each called on
    /// the object <paramref name="target"/> returns for the connection the command arrived on: one object per
    /// connection (kept in <see cref="AmpConnection.Items"/>, or resolved from a dependency-injection scope of the
    /// connection, as Amp.Hosting does), or any other choice. The methods are bound once, here.
    /// </summary>
    /// <typeparam name="T">The type whose marked public instance methods answer.</typeparam>
    /// <param name="target">
    /// Returns the object that answers a call on a connection. Called once per incoming call, on the thread that
    /// starts the responder (the read loop, see <see cref="AmpConnection"/>): keep it short. When it throws, the
    /// call is answered as when the responder throws (<c>UNKNOWN</c> unless the exception is declared).
    /// </param>
    /// <returns>This instance.</returns>
    /// <exception cref="AmpDefinitionException">A method's signature or its command's declaration is invalid.</exception>
    /// <exception cref="ArgumentException">A command already has a responder.</exception>
    /// <example>
    /// <code>
    /// responders.AddObject(connection =&gt; connection.Items.GetOrAdd(() =&gt; new Session()));
    /// </code>
    /// </example>
    public AmpResponders AddObject<T>(Func<AmpConnection, T> target)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(target);

        // The generator binds responder objects, not per-connection choosers yet: this binds by reflection,
        // which trimmed and NativeAOT builds turn off (they get AmpDefinitionException saying so).
        return ReflectionFallback.IsSupported ? AddPerConnectionByReflection(target) : throw ReflectionFallback.NotGenerated(typeof(T));
    }

    [RequiresUnreferencedCode(ReflectionFallback.Reason)]
    [RequiresDynamicCode(ReflectionFallback.Reason)]
    private AmpResponders AddPerConnectionByReflection<T>(Func<AmpConnection, T> target)
        where T : class
    {
        foreach (MethodInfo method in typeof(T).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<AmpResponderAttribute>() is not null)
            {
                Register(ResponderMethodBinder.Bind(target, method));
            }
        }

        return this;
    }

    /// <summary>
    /// Adds a responder whose answer changes the layer stack (StartTLS, StopTLS, compression, a user's
    /// layer): it returns the response and the change; the response is written in the current top, then
    /// the change is made before anything else is read or written. Throw to refuse (declared errors map as
    /// usual). If a change of this side's crosses the peer's and wins the tie-break, the peer gets
    /// <c>LAYER_CHANGE_CONFLICT</c> instead and the responder's change is not made.
    /// </summary>
    /// <typeparam name="TCommand">The command type.</typeparam>
    /// <typeparam name="TResponse">Its response type.</typeparam>
    /// <param name="responder">Decides the answer and the change, on the read loop (keep it short).</param>
    /// <returns>This instance.</returns>
    public AmpResponders AddLayerChange<TCommand, TResponse>(Func<TCommand, AmpConnection, LayerChangeAnswer<TResponse>> responder)
        where TCommand : class, IAmpCommand<TResponse>
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(responder);
        return Register(new LayerChangeResponderEntry<TCommand, TResponse>(responder));
    }

    /// <summary>
    /// Adds a responder for a protocol-switch command (Twisted's <c>ProtocolSwitchCommand</c>): it picks
    /// the protocol that takes the connection over after the answer, or throws a declared exception to
    /// refuse (AMP then goes on). The protocol gets the byte stream from exactly after the command box;
    /// when its task ends, the connection is closed.
    /// </summary>
    /// <typeparam name="TCommand">The switch command type (its answer carries no fields).</typeparam>
    /// <param name="choose">Returns the protocol to run, given the command and the connection.</param>
    /// <returns>This instance.</returns>
    public AmpResponders AddProtocolSwitch<TCommand>(Func<TCommand, AmpConnection, Func<AmpSwitchedConnection, Task>> choose)
        where TCommand : class, IAmpProtocolSwitchCommand
    {
        ArgumentNullException.ThrowIfNull(choose);
        return Register(new ProtocolSwitchResponderEntry<TCommand>(choose));
    }

    internal ResponderEntry? Find(ReadOnlySpan<byte> name)
    {
        ResponderEntry[] entries = Volatile.Read(ref _entries);
        for (int i = 0; i < entries.Length; i++)
        {
            byte[] candidate = entries[i].NameBytes;
            if (candidate.Length == name.Length && name.SequenceEqual(candidate))
            {
                return entries[i];
            }
        }

        return null;
    }

    private AmpResponders Register(ResponderEntry entry)
    {
        lock (_lock)
        {
            if (Find(entry.NameBytes) is not null)
            {
                throw new ArgumentException($"Command '{entry.Name}' already has a responder.", nameof(entry));
            }

            var entries = new ResponderEntry[_entries.Length + 1];
            _entries.CopyTo(entries, 0);
            entries[^1] = entry;
            Volatile.Write(ref _entries, entries);
        }

        return this;
    }

    internal static string Describe(ReadOnlySpan<byte> name) => Encoding.UTF8.GetString(name);
}
