namespace Amp;

/// <summary>
/// Maps a property of a command, response or <c>AmpList</c> element to a key of the box.
/// The property's type picks the wire type (see the README's table); <see cref="Type"/> overrides it.
/// A property whose type is nullable (<c>int?</c>, <c>string?</c>) is optional: left out when
/// <see langword="null"/>, and <see langword="null"/> when absent.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true, AllowMultiple = false)]
public sealed class AmpArgumentAttribute : Attribute
{
    /// <summary>Maps the property to a key.</summary>
    /// <param name="name">The wire name of the key (1 to 255 bytes; must not start with an underscore-reserved AMP name).</param>
    public AmpArgumentAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The wire name of the key.</summary>
    public string Name { get; }

    /// <summary>
    /// An argument type deriving from <see cref="AmpArgumentType{T}"/> with a public parameterless
    /// constructor, to use instead of the default for the property's type; or
    /// <see cref="Arguments.BigStringArgument"/> (on <see cref="byte"/>[] and
    /// <see cref="ReadOnlyMemory{T}"/> properties) or <see cref="Arguments.BigUnicodeArgument"/> (on
    /// <see cref="string"/> properties) for a value of any size, sent in chunks under several keys as
    /// Twisted's BigString recipe does.
    /// </summary>
    public Type? Type { get; set; }

    /// <summary>
    /// The most digits accepted for an Integer or Decimal value, read or written: sets
    /// <c>MaxDigits</c> of the property's argument type (<see cref="Arguments.BigIntegerArgument"/>
    /// for <see cref="System.Numerics.BigInteger"/>, <see cref="Arguments.DecimalArgument"/> for
    /// <see cref="AmpDecimal"/>, <see cref="Arguments.SystemDecimalArgument"/> for
    /// <see cref="decimal"/>, and the elements of a list of those). 0, the default, keeps the type's
    /// default of 4300. Any other property type, or a value below 0, is refused when the command is
    /// registered. Conversion of long digit strings costs more than linear time: raise the limit only
    /// as far as the argument needs.
    /// </summary>
    public int MaxDigits { get; set; }

    /// <summary>
    /// The most bytes a big value (<see cref="Arguments.BigStringArgument"/>,
    /// <see cref="Arguments.BigUnicodeArgument"/>: UTF-8 bytes) may have, read or written. A received
    /// value is checked from its chunks' lengths before it is assembled, and one over the limit is a
    /// malformed argument (the peer gets <c>UNKNOWN</c>); a value of ours over it fails the call with
    /// <see cref="AmpArgumentException"/> before anything is sent. 0, the default, sets no limit of the
    /// field's own: a received value is still bounded by the box limit,
    /// <see cref="Boxes.AmpLimits.MaxBoxBytes"/> (1 MiB by default), which must be raised to receive
    /// larger values. Any other property type, or a value below 0, is refused when the command is registered.
    /// </summary>
    public int MaxBytes { get; set; }

    /// <summary>
    /// Marks the argument optional even though its type is not annotated nullable (for code without
    /// nullable annotations). Not allowed on non-nullable value types.
    /// </summary>
    public bool Optional { get; set; }
}
