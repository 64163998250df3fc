using Microsoft.CodeAnalysis;

namespace Amp.Generators.Analysis;

/// <summary>What an <c>[AmpArgument]</c> attribute says.</summary>
internal sealed class ArgumentDeclaration
{
    private ArgumentDeclaration(string name, ITypeSymbol? type, int maxDigits, int maxBytes, bool optional)
    {
        Name = name;
        Type = type;
        MaxDigits = maxDigits;
        MaxBytes = maxBytes;
        Optional = optional;
    }

    public string Name { get; }

    public ITypeSymbol? Type { get; }

    public int MaxDigits { get; }

    public int MaxBytes { get; }

    public bool Optional { get; }

    public static ArgumentDeclaration Read(AttributeData attribute)
    {
        string name = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string s ? s : "";
        ITypeSymbol? type = null;
        int maxDigits = 0;
        int maxBytes = 0;
        bool optional = false;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Type":
                    type = named.Value.Value as ITypeSymbol;
                    break;
                case "MaxDigits":
                    maxDigits = named.Value.Value is int digits ? digits : 0;
                    break;
                case "MaxBytes":
                    maxBytes = named.Value.Value is int bytes ? bytes : 0;
                    break;
                case "Optional":
                    optional = named.Value.Value is true;
                    break;
            }
        }

        return new ArgumentDeclaration(name, type, maxDigits, maxBytes, optional);
    }
}
