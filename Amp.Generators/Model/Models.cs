namespace Amp.Generators.Model;

/// <summary>How a field is bound: which factory of AmpGeneratedFields writes it.</summary>
internal enum FieldKind
{
    Value,
    NullableValue,
    BigBytes,
    BigMemory,
    BigNullableMemory,
    BigText,
    Stream,
    StreamItems,
}

/// <summary>
/// One <c>[AmpArgument]</c> property, as the emitter needs it. Type names are fully qualified C#;
/// <see cref="ArgumentType"/> is the expression of its wire type (empty for big values and plain streams).
/// </summary>
internal sealed record FieldModel(
    FieldKind Kind,
    string WireName,
    string MemberName,
    string PropertyName,
    string ValueType,
    string DeclaringType,
    bool Optional,
    int MaxBytes,
    string ArgumentType,
    string? InitSetterName);

/// <summary>A class read from and written to boxes: a command's arguments, a response, an AmpList element.</summary>
internal sealed record RecordModel(string Type, bool NeedsUnsafeConstructor, EquatableArray<FieldModel> Fields);

/// <summary>A declared error.</summary>
internal sealed record ErrorModel(string Code, string ExceptionType, bool Fatal);

/// <summary>
/// An <c>[AmpCommand]</c> class and the records it brings (its own, its response's and its AmpList elements', those declared in this assembly).
/// <see cref="CallableWithoutArguments"/>: it has no arguments, a public parameterless constructor and a response with fields that
/// this assembly can name, so <c>CallRemoteAsync&lt;TCommand&gt;()</c> gets an overload for its response type.
/// </summary>
internal sealed record CommandModel(
    string Type,
    string ResponseType,
    string Name,
    bool RequiresAnswer,
    EquatableArray<ErrorModel> Errors,
    EquatableArray<RecordModel> Records,
    bool CallableWithoutArguments);

/// <summary>One <c>[AmpResponder]</c> method: how to call it and wrap its result.</summary>
internal sealed record ResponderModel(string CommandType, string ResponseType, string MethodName, string Arguments, ReturnShape Shape);

/// <summary>What a responder method returns.</summary>
internal enum ReturnShape
{
    Response,
    Task,
    ValueTask,
}

/// <summary>A class with <c>[AmpResponder]</c> methods.</summary>
internal sealed record ResponderClassModel(string Type, EquatableArray<ResponderModel> Methods);
