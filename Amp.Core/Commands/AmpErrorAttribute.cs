namespace Amp;

/// <summary>
/// Declares an error a command can answer with. A responder that throws <see cref="ExceptionType"/>
/// (or a subclass) sends <see cref="Code"/> and the exception's message; the caller gets a new
/// <see cref="ExceptionType"/> built from the description. Declarations on base classes apply too.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = true)]
public sealed class AmpErrorAttribute : Attribute
{
    /// <summary>Declares an error.</summary>
    /// <param name="code">The wire code (<c>_error_code</c>).</param>
    /// <param name="exceptionType">An exception type with a public constructor taking the message string.</param>
    public AmpErrorAttribute(string code, Type exceptionType)
    {
        Code = code;
        ExceptionType = exceptionType;
    }

    /// <summary>The wire code.</summary>
    public string Code { get; }

    /// <summary>The exception type.</summary>
    public Type ExceptionType { get; }

    /// <summary>Whether the responder closes the connection after sending this error (Twisted's <c>fatalErrors</c>).</summary>
    public bool Fatal { get; set; }
}
