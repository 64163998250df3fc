namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>BigString</c> recipe: a byte string of any size, for a <see cref="byte"/> array or
/// <see cref="ReadOnlyMemory{T}"/> property declared with
/// <c>[AmpArgument("name", Type = typeof(BigStringArgument))]</c>.
/// </summary>
/// <remarks>
/// <para>
/// The value is cut into chunks of 65,535 bytes (the last one shorter): the first goes under the
/// argument's name, the n-th under <c>name.n</c> (<c>name.2</c>, <c>name.3</c>, …). A value of at most
/// 65,535 bytes, the empty value too, is the name alone, exactly as Twisted's <c>String</c> writes it.
/// A reader takes the name, then <c>name.2</c>, <c>name.3</c>, … up to the first missing index, and
/// ignores keys the recipe never looks up (<c>name.1</c>, <c>name.02</c>, indexes after a gap). All the
/// chunks travel in one box, so the box limit of the receiver bounds the value
/// (<see cref="Boxes.AmpLimits.MaxBoxBytes"/>, 1 MiB by default); <see cref="AmpArgumentAttribute.MaxBytes"/>
/// sets a lower limit of the field's own.
/// </para>
/// <para>
/// It is opt-in per field because both sides must agree: a peer that reads the field as a plain
/// <c>String</c> silently gets only the first 65,535 bytes. Use it with a Twisted peer whose command
/// declares the same argument with the recipe's <c>BigString</c>. The type is only a name for the
/// attribute (a value writes several keys, which an <see cref="AmpArgumentType{T}"/> cannot);
/// <see cref="Boxes.AmpBox.SetBigBytes"/> and <see cref="Boxes.AmpBox.TryGetBigBytes"/> do the same on
/// raw boxes.
/// </para>
/// </remarks>
public static class BigStringArgument
{
}
