using System.ComponentModel;
using Amp.Descriptors;

namespace Amp.Generated;

/// <summary>
/// A declared error (<see cref="AmpErrorAttribute"/>) bound by generated code: its code and how to
/// rebuild the exception. Made by <see cref="AmpGeneratedRegistry.Error{TException}"/>; not meant to be used by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AmpErrorBinding
{
    internal AmpErrorBinding(ErrorDescriptor descriptor)
    {
        Descriptor = descriptor;
    }

    internal ErrorDescriptor Descriptor { get; }
}
