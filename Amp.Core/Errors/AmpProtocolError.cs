namespace Amp;

/// <summary>Why incoming bytes broke the protocol.</summary>
public enum AmpProtocolError
{
    /// <summary>A key length prefix above 255 (its first byte is not zero).</summary>
    KeyTooLong = 1,

    /// <summary>A value length prefix above the configured maximum value length.</summary>
    ValueTooLong,

    /// <summary>A box larger than the configured maximum box size.</summary>
    BoxTooLarge,

    /// <summary>A box with more keys than the configured maximum.</summary>
    TooManyKeys,

    /// <summary>A box with none of <c>_command</c>, <c>_answer</c> or <c>_error</c> (including an empty box).</summary>
    EmptyBox,

    /// <summary>An answer or error for a tag that has no pending call.</summary>
    UnknownTag,

    /// <summary>An error box without <c>_error_code</c> or <c>_error_description</c>.</summary>
    MalformedError,

    /// <summary>The byte stream ended in the middle of a box.</summary>
    TruncatedBox,

    /// <summary>
    /// Both sides asked for a layer change at the same moment over a transport that does not say which
    /// side connected, so neither can tell whose change wins (set the transport's role).
    /// </summary>
    LayerChangeConflict,

    /// <summary>The peer answered with success a layer change of ours that its own crossing change had overtaken.</summary>
    LayerChangeNotRefused,

    /// <summary>
    /// A box arrived inside a layer being popped, after both sides agreed to pop it (StopTLS answered): the
    /// peer must only end that layer (TLS: its close_notify), and send its next boxes in the layer below.
    /// </summary>
    BoxInLayerBeingPopped,

    /// <summary>
    /// A box of the streams extension broke its rules (spec/amp-wire.md §15.3): a chunk beyond the credit
    /// granted, a box for a stream that is not open, a malformed stream id or credit.
    /// </summary>
    StreamViolation,

    /// <summary>
    /// A box of the cancellation extension (spec/amp-wire.md §15.5) is malformed: a <c>_cancel</c> box with an
    /// empty tag, or a call whose <c>_timeout</c> is not a decimal number of milliseconds from 1 to 2,147,483,647.
    /// </summary>
    CancellationViolation,
}
