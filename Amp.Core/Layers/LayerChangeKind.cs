namespace Amp.Layers;

/// <summary>The three kinds of layer change; every change of a connection's stack is one of them.</summary>
public enum LayerChangeKind
{
    /// <summary>A new layer goes on top of the stack (StartTLS, compression).</summary>
    Push = 1,

    /// <summary>The top layer is closed and the one below it carries the boxes again (StopTLS).</summary>
    Pop,

    /// <summary>The box layer stops and hands the top of the stack to another protocol (a protocol switch).</summary>
    HandOver,
}
