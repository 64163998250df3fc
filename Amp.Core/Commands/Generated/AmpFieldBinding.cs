using System.ComponentModel;
using Amp.Descriptors;

namespace Amp.Generated;

/// <summary>
/// One property of a command, response or AmpList element, bound by generated code to its key and
/// wire type. Made by <see cref="AmpGeneratedFields"/>; not meant to be used by hand.
/// </summary>
/// <typeparam name="TOwner">The class the property belongs to.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AmpFieldBinding<TOwner>
    where TOwner : class
{
    internal AmpFieldBinding(FieldDescriptor<TOwner> descriptor)
    {
        Descriptor = descriptor;
    }

    internal FieldDescriptor<TOwner> Descriptor { get; }
}
