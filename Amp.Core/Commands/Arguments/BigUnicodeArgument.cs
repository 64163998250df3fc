namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>BigUnicode</c> recipe: text of any size, for a <see cref="string"/> property declared
/// with <c>[AmpArgument("name", Type = typeof(BigUnicodeArgument))]</c>.
/// </summary>
/// <remarks>
/// The text is encoded as strict UTF-8 (as <see cref="UnicodeArgument"/>), and the bytes are sent as
/// <see cref="BigStringArgument"/> sends them: chunk boundaries fall every 65,535 bytes, inside a
/// character if need be, and the receiver decodes only the assembled bytes. Limits
/// (<see cref="AmpArgumentAttribute.MaxBytes"/>) count the UTF-8 bytes. <see cref="Boxes.AmpBox.SetBigString"/>
/// and <see cref="Boxes.AmpBox.GetBigString"/> do the same on raw boxes.
/// </remarks>
public static class BigUnicodeArgument
{
}
