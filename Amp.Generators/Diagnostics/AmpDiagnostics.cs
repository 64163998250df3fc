using Microsoft.CodeAnalysis;

namespace Amp.Generators.Diagnostics;

/// <summary>
/// Every declaration mistake that the reflection path reports as an <c>AmpDefinitionException</c> when the
/// command is first used, reported here while compiling. Each has a page: docs/diagnostics/AMPnnn.md.
/// </summary>
internal static class AmpDiagnostics
{
    /// <summary>Where the pages are, relative to the repository root (the docs have no published address yet).</summary>
    public const string HelpRoot = "docs/diagnostics/";

    private const string Category = "Amp.Definition";

    public static readonly DiagnosticDescriptor NotACommand = Error("AMP001", "Not a command",
        "'{0}' is marked [AmpCommand] but is not a class implementing IAmpCommand<TResponse> or IAmpProtocolSwitchCommand");

    public static readonly DiagnosticDescriptor CommandTwice = Error("AMP002", "IAmpCommand<> implemented twice",
        "'{0}' implements IAmpCommand<> more than once; a command has one response type");

    public static readonly DiagnosticDescriptor SwitchAndCall = Error("AMP003", "A protocol switch that is also a call",
        "'{0}' is an IAmpProtocolSwitchCommand and must not also implement IAmpCommand<>: it is called with SwitchProtocolAsync, never CallRemoteAsync");

    public static readonly DiagnosticDescriptor CommandNameLength = Error("AMP004", "Bad command name",
        "The command name of '{0}' must be 1 to 65535 bytes of UTF-8");

    public static readonly DiagnosticDescriptor ErrorCodeTwice = Error("AMP005", "Error code declared twice",
        "'{0}' declares error code '{1}' twice");

    public static readonly DiagnosticDescriptor ErrorCodeLength = Error("AMP006", "Bad error code",
        "Error code '{1}' of '{0}' must be 1 to 65535 bytes of UTF-8");

    public static readonly DiagnosticDescriptor ErrorNotException = Error("AMP007", "Error type is not a concrete exception",
        "Error '{1}' of '{0}' names '{2}', which is not a concrete exception type");

    public static readonly DiagnosticDescriptor ErrorNoConstructor = Error("AMP008", "Error type cannot be rebuilt",
        "Error '{1}' of '{0}': '{2}' needs a public constructor taking the message string");

    public static readonly DiagnosticDescriptor RecordNoConstructor = Error("AMP009", "Record cannot be created",
        "'{0}' needs a public parameterless constructor (and must not be abstract) to be built from a box");

    public static readonly DiagnosticDescriptor DuplicateName = Error("AMP010", "Duplicate wire name",
        "'{0}.{1}': wire name '{2}' is used by another property");

    public static readonly DiagnosticDescriptor TooManyFields = Error("AMP011", "Too many fields",
        "'{0}' has {1} AMP fields; at most 64 are supported");

    public static readonly DiagnosticDescriptor EmptyName = Error("AMP012", "Empty wire name",
        "'{0}.{1}': the wire name is empty");

    public static readonly DiagnosticDescriptor NameTooLong = Error("AMP013", "Wire name too long",
        "'{0}.{1}': the wire name is {2} bytes long; keys are at most 255");

    public static readonly DiagnosticDescriptor ReservedName = Error("AMP014", "Reserved key",
        "'{0}.{1}': '{2}' is a key AMP reserves for itself");

    public static readonly DiagnosticDescriptor BigNameTooLong = Error("AMP015", "Big value name too long",
        "'{0}.{1}': the wire name of a big value is {2} bytes long; at most 249 leave room for its chunk keys (name.2, name.3, ...)");

    public static readonly DiagnosticDescriptor ChunkKeyClash = Error("AMP016", "Wire name is a chunk key",
        "'{0}.{1}': wire name '{2}' is a chunk key of the big value '{3}'");

    public static readonly DiagnosticDescriptor AccessorsNotPublic = Error("AMP017", "Property cannot be read and set",
        "'{0}.{1}' needs a public getter and a public setter (set or init)");

    public static readonly DiagnosticDescriptor UnsupportedType = Error("AMP018", "No wire type",
        "'{0}.{1}': {2} has no AMP wire type; use a supported type or name one with [AmpArgument(..., Type = typeof(...))]");

    public static readonly DiagnosticDescriptor ExplicitTypeMismatch = Error("AMP019", "Named type does not carry the property's type",
        "'{0}.{1}': {2} is not an AmpArgumentType<{3}>");

    public static readonly DiagnosticDescriptor ExplicitTypeNoConstructor = Error("AMP020", "Named type cannot be created",
        "'{0}.{1}': {2} needs a public parameterless constructor (and must not be abstract)");

    public static readonly DiagnosticDescriptor MaxDigitsNegative = Error("AMP021", "MaxDigits below 0",
        "'{0}.{1}': MaxDigits is {2}; it must be at least 1, or 0 for the default");

    public static readonly DiagnosticDescriptor MaxDigitsMisplaced = Error("AMP022", "MaxDigits does not apply",
        "'{0}.{1}': {2}");

    public static readonly DiagnosticDescriptor MaxBytesNegative = Error("AMP023", "MaxBytes below 0",
        "'{0}.{1}': MaxBytes is {2}; it must be at least 1, or 0 for no limit of the field's own");

    public static readonly DiagnosticDescriptor MaxBytesMisplaced = Error("AMP024", "MaxBytes does not apply",
        "'{0}.{1}': MaxBytes applies only to big values: Type = typeof(BigStringArgument) or typeof(BigUnicodeArgument)");

    public static readonly DiagnosticDescriptor BigValueType = Error("AMP025", "Big value of the wrong type",
        "'{0}.{1}': {2}");

    public static readonly DiagnosticDescriptor OptionalValueType = Error("AMP026", "Optional on a type that cannot be null",
        "'{0}.{1}' is marked Optional but its type {2} cannot be null; use {2}?");

    public static readonly DiagnosticDescriptor StreamOptions = Error("AMP027", "Stream with wire options",
        "'{0}.{1}' is a stream; Type, MaxDigits and MaxBytes do not apply to streams");

    public static readonly DiagnosticDescriptor ResponderNoCommand = Error("AMP028", "Responder without a command",
        "'{0}.{1}': a responder's first parameter must be the command");

    public static readonly DiagnosticDescriptor ResponderNotCommand = Error("AMP029", "Responder's first parameter is not a command",
        "'{0}.{1}': {2} does not implement IAmpCommand<TResponse>");

    public static readonly DiagnosticDescriptor ResponderParameter = Error("AMP030", "Responder parameter not supplied",
        "'{0}.{1}': parameter '{2}' must be an AmpConnection or a CancellationToken");

    public static readonly DiagnosticDescriptor ResponderReturn = Error("AMP031", "Responder returns the wrong type",
        "'{0}.{1}': must return {2}, Task<{2}> or ValueTask<{2}>");

    // Not a mirror of the reflection path: MessagePack lives in its own package, and a project without it cannot name it.
    public static readonly DiagnosticDescriptor MessagePackWithoutPackage = Error("AMP032", "MessagePack needs Amp.MessagePack",
        "'{0}.{1}': {2}", "MessagePack needs Amp.MessagePack: MessagePackArgument<T> is in that package, which the project must reference.");

    private static DiagnosticDescriptor Error(string id, string title, string message, string? description = null) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            description: description ?? title + ": the same mistake the reflection path reports as an AmpDefinitionException when the command is first used.",
            helpLinkUri: HelpRoot + id + ".md");
}
