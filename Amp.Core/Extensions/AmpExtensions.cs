namespace Amp;

/// <summary>
/// The Amp.NET extensions to AMP a connection may use. Each is negotiated per connection
/// (spec/amp-wire.md §15): no extension box ever reaches a peer that did not agree to it, so a
/// Twisted peer sees plain AMP.
/// </summary>
[Flags]
public enum AmpExtensions
{
    /// <summary>No extension: the connection speaks exactly what Twisted speaks.</summary>
    None = 0,

    /// <summary>
    /// Stream arguments and answers (<see cref="System.IO.Stream"/>, <see cref="System.IO.Pipelines.PipeReader"/>),
    /// sent as chunk boxes with per-stream flow control (wire name <c>streams/1</c>).
    /// </summary>
    Streams = 1,
}
