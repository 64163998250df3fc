using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>The Amp.NET and framework types the inspection compares against, looked up once per compilation.</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation, INamedTypeSymbol argumentAttribute)
    {
        Compilation = compilation;
        ArgumentAttribute = argumentAttribute;
        ErrorAttribute = compilation.GetTypeByMetadataName("Amp.AmpErrorAttribute");
        CommandAttribute = compilation.GetTypeByMetadataName("Amp.AmpCommandAttribute");
        ResponderAttribute = compilation.GetTypeByMetadataName("Amp.AmpResponderAttribute");
        Command = compilation.GetTypeByMetadataName("Amp.IAmpCommand`1");
        SwitchCommand = compilation.GetTypeByMetadataName("Amp.IAmpProtocolSwitchCommand");
        EmptyResponse = compilation.GetTypeByMetadataName("Amp.AmpEmptyResponse");
        ArgumentType = compilation.GetTypeByMetadataName("Amp.AmpArgumentType`1");
        DigitLimited = compilation.GetTypeByMetadataName("Amp.Arguments.DigitLimitedArgumentType`1");
        BigString = compilation.GetTypeByMetadataName("Amp.Arguments.BigStringArgument");
        BigUnicode = compilation.GetTypeByMetadataName("Amp.Arguments.BigUnicodeArgument");
        Connection = compilation.GetTypeByMetadataName("Amp.AmpConnection");
        AmpDecimal = compilation.GetTypeByMetadataName("Amp.AmpDecimal");
        AmpDateTime = compilation.GetTypeByMetadataName("Amp.AmpDateTime");
        BigInteger = compilation.GetTypeByMetadataName("System.Numerics.BigInteger");
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        FileInfo = compilation.GetTypeByMetadataName("System.IO.FileInfo");
        Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
        PipeReader = compilation.GetTypeByMetadataName("System.IO.Pipelines.PipeReader");
        ReadOnlyMemory = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        AsyncEnumerable = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        ReadOnlyList = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyList`1");
        List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        IList = compilation.GetTypeByMetadataName("System.Collections.Generic.IList`1");
        ReadOnlyCollection = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyCollection`1");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Exception = compilation.GetTypeByMetadataName("System.Exception");
        MessagePackArgument = compilation.GetTypeByMetadataName("Amp.MessagePack.MessagePackArgument`1");
        MessagePackObject = compilation.GetTypeByMetadataName("MessagePack.MessagePackObjectAttribute");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol ArgumentAttribute { get; }

    public INamedTypeSymbol? ErrorAttribute { get; }

    public INamedTypeSymbol? CommandAttribute { get; }

    public INamedTypeSymbol? ResponderAttribute { get; }

    public INamedTypeSymbol? Command { get; }

    public INamedTypeSymbol? SwitchCommand { get; }

    public INamedTypeSymbol? EmptyResponse { get; }

    public INamedTypeSymbol? ArgumentType { get; }

    public INamedTypeSymbol? DigitLimited { get; }

    public INamedTypeSymbol? BigString { get; }

    public INamedTypeSymbol? BigUnicode { get; }

    public INamedTypeSymbol? Connection { get; }

    public INamedTypeSymbol? AmpDecimal { get; }

    public INamedTypeSymbol? AmpDateTime { get; }

    public INamedTypeSymbol? BigInteger { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? FileInfo { get; }

    public INamedTypeSymbol? Stream { get; }

    public INamedTypeSymbol? PipeReader { get; }

    public INamedTypeSymbol? ReadOnlyMemory { get; }

    public INamedTypeSymbol? AsyncEnumerable { get; }

    public INamedTypeSymbol? ReadOnlyList { get; }

    public INamedTypeSymbol? List { get; }

    public INamedTypeSymbol? IList { get; }

    public INamedTypeSymbol? ReadOnlyCollection { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Exception { get; }

    /// <summary>Amp.MessagePack's argument type; <see langword="null"/> when the project does not reference Amp.MessagePack.</summary>
    public INamedTypeSymbol? MessagePackArgument { get; }

    /// <summary>MessagePack's <c>[MessagePackObject]</c>, when the project references MessagePack.</summary>
    public INamedTypeSymbol? MessagePackObject { get; }

    /// <summary>The known types of a compilation that references Amp.Core, else <see langword="null"/>.</summary>
    public static KnownTypes? From(Compilation compilation) =>
        compilation.GetTypeByMetadataName("Amp.AmpArgumentAttribute") is { } argument ? new KnownTypes(compilation, argument) : null;

    public static bool Same(ITypeSymbol? a, ITypeSymbol? b) => a is not null && b is not null && SymbolEqualityComparer.Default.Equals(a, b);

    /// <summary>Whether <paramref name="type"/> is a construction of the generic <paramref name="definition"/>.</summary>
    public static bool IsConstructedFrom(ITypeSymbol type, INamedTypeSymbol? definition) =>
        type is INamedTypeSymbol { IsGenericType: true } named && Same(named.OriginalDefinition, definition);

    /// <summary>The <c>TResponse</c> of every <c>IAmpCommand&lt;TResponse&gt;</c> <paramref name="type"/> implements.</summary>
    public System.Collections.Generic.List<ITypeSymbol> ResponseTypes(ITypeSymbol type)
    {
        var result = new System.Collections.Generic.List<ITypeSymbol>();
        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            if (IsConstructedFrom(implemented, Command))
            {
                result.Add(implemented.TypeArguments[0]);
            }
        }

        return result;
    }
}
