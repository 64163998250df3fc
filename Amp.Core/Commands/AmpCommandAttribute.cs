namespace Amp;

/// <summary>Declares an AMP command: its wire name and whether it expects an answer.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class AmpCommandAttribute : Attribute
{
    /// <summary>Declares a command.</summary>
    /// <param name="name">The wire name (<c>_command</c> value); the class name when omitted, as in Twisted.</param>
    public AmpCommandAttribute(string? name = null)
    {
        Name = name;
    }

    /// <summary>The wire name, or <see langword="null"/> for the class name.</summary>
    public string? Name { get; }

    /// <summary>
    /// Whether callers ask for an answer (Twisted's <c>requiresAnswer</c>). When <see langword="false"/>,
    /// the box carries no <c>_ask</c> and the call completes once the box is written. Default <see langword="true"/>.
    /// </summary>
    public bool RequiresAnswer { get; set; } = true;
}
