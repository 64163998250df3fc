using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Text;
using Amp.Generated;

namespace Amp.Descriptors;

/// <summary>A declared error: its code, its exception type and how to rebuild the exception from a description.</summary>
internal sealed class ErrorDescriptor
{
    private readonly Func<string, Exception> _factory;

    private ErrorDescriptor(string code, Type exceptionType, bool fatal, Func<string, Exception> factory)
    {
        Code = code;
        CodeBytes = Encoding.UTF8.GetBytes(code);
        ExceptionType = exceptionType;
        Fatal = fatal;
        _factory = factory;
    }

    public string Code { get; }

    public byte[] CodeBytes { get; }

    public Type ExceptionType { get; }

    public bool Fatal { get; }

    public Exception Create(string description) => _factory(description);

    /// <summary>A declared error described by generated code (checked at compile time).</summary>
    public static ErrorDescriptor Create(string code, Type exceptionType, bool fatal, Func<string, Exception> factory) =>
        new(code, exceptionType, fatal, factory);

    /// <summary>A declared error described by reflection over its attribute.</summary>
    [RequiresUnreferencedCode(ReflectionFallback.Reason)]
    [RequiresDynamicCode(ReflectionFallback.Reason)]
    public static ErrorDescriptor From(Type command, AmpErrorAttribute attribute)
    {
        if (string.IsNullOrEmpty(attribute.Code) || Encoding.UTF8.GetByteCount(attribute.Code) > ushort.MaxValue)
        {
            throw new AmpDefinitionException(command, null, $"error code '{attribute.Code}' must be 1 to 65535 bytes");
        }

        Type type = attribute.ExceptionType;
        if (!typeof(Exception).IsAssignableFrom(type) || type.IsAbstract)
        {
            throw new AmpDefinitionException(command, null, $"error '{attribute.Code}' names {type.FullName}, which is not a concrete exception type");
        }

        var constructor = type.GetConstructor([typeof(string)]);
        if (constructor is null)
        {
            throw new AmpDefinitionException(command, null, $"error '{attribute.Code}': {type.FullName} needs a public constructor taking the message string");
        }

        ParameterExpression message = Expression.Parameter(typeof(string), "message");
        var factory = Expression.Lambda<Func<string, Exception>>(Expression.New(constructor, message), message).Compile();
        return new ErrorDescriptor(attribute.Code, type, attribute.Fatal, factory);
    }
}
