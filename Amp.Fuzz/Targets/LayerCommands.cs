using System.IO.Pipelines;
using Amp.Layers;

namespace Amp.Fuzz.Targets;

/// <summary>An ordinary command of the layer target.</summary>
[AmpCommand("Echo")]
[AmpError("ECHO_FAILED", typeof(EchoFailedException))]
public sealed class FuzzEcho : IAmpCommand<FuzzEchoResult>
{
    /// <summary>The value; some values make the responder fail or wait (see <see cref="LayerResponders"/>).</summary>
    [AmpArgument("value")] public int Value { get; init; }

    /// <summary>Optional text, echoed.</summary>
    [AmpArgument("text", Optional = true)] public string? Text { get; init; }
}

/// <summary>The answer to <see cref="FuzzEcho"/>.</summary>
public sealed class FuzzEchoResult
{
    /// <summary>The value.</summary>
    [AmpArgument("value")] public int Value { get; init; }

    /// <summary>The text, if any.</summary>
    [AmpArgument("text", Optional = true)] public string? Text { get; init; }
}

/// <summary>The declared error of <see cref="FuzzEcho"/>.</summary>
public sealed class EchoFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EchoFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description.</param>
    public EchoFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description.</param>
    /// <param name="innerException">The cause.</param>
    public EchoFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>An exception a responder throws without declaring it (answered UNKNOWN); not a finding.</summary>
public sealed class UndeclaredFuzzException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UndeclaredFuzzException()
        : base("undeclared")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public UndeclaredFuzzException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UndeclaredFuzzException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Pushes a <see cref="FrameLayer"/> (StartTLS-like); key 0 is refused with <c>FRAME_ERROR</c>.</summary>
[AmpCommand("StartFrame")]
public sealed class StartFrame : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    /// <summary>The XOR key.</summary>
    [AmpArgument("key")] public int Key { get; init; }

    /// <summary>The push (odd keys hold the boxes queued behind it for the new layer, as StartTLS does).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The change.</returns>
    public static LayerChange Push(byte key) =>
        LayerChange.Push("frame", (context, _) => ValueTask.FromResult<AmpLayer>(new FrameLayer(context.Below, key)), heldBoxesNeedTheNewLayer: key % 2 == 1);

    /// <inheritdoc/>
    public LayerChange CreateChange(AmpConnection connection) => Push((byte)Key);
}

/// <summary>Pops the top <see cref="FrameLayer"/> (StopTLS-like).</summary>
[AmpCommand("StopFrame")]
public sealed class StopFrame : IAmpCommand<AmpEmptyResponse>, IAmpLayerCommand
{
    /// <inheritdoc/>
    public LayerChange CreateChange(AmpConnection connection) => LayerChange.Pop<FrameLayer>();
}

/// <summary>Switches to another protocol: <c>drain</c> is accepted, anything else refused with <c>UNKNOWN_PROTOCOL</c>.</summary>
[AmpCommand("Switch")]
[AmpError("UNKNOWN_PROTOCOL", typeof(UnknownFuzzProtocolException))]
public sealed class FuzzSwitch : IAmpProtocolSwitchCommand
{
    /// <summary>The protocol's name.</summary>
    [AmpArgument("protocol")] public string Protocol { get; init; } = "";
}

/// <summary>The declared refusal of <see cref="FuzzSwitch"/>.</summary>
public sealed class UnknownFuzzProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnknownFuzzProtocolException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description.</param>
    public UnknownFuzzProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The description.</param>
    /// <param name="innerException">The cause.</param>
    public UnknownFuzzProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The responders of the connection under test.</summary>
internal static class LayerResponders
{
    public const int FailDeclared = 13;
    public const int FailUndeclared = 14;
    public const int Yield = 15;
    public const int WaitForClose = 16;

    /// <summary>The responders; a <see cref="WaitForClose"/> Echo also ends when <paramref name="end"/> is cancelled (the script is over).</summary>
    public static AmpResponders Create(CancellationToken end) => new AmpResponders()
        .Add<FuzzEcho, FuzzEchoResult>(async (command, _, cancellationToken) =>
        {
            switch (command.Value)
            {
                case FailDeclared:
                    throw new EchoFailedException("declared failure");
                case FailUndeclared:
                    throw new UndeclaredFuzzException();
                case Yield:
                    await Task.Yield();
                    break;
                case WaitForClose:
                    // Ends when the connection cancels its responders (it closes or switches) or the script is over.
                    using (var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, end))
                    {
                        await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
                    }

                    break;
            }

            return new FuzzEchoResult { Value = command.Value, Text = command.Text };
        })
        .AddLayerChange<StartFrame, AmpEmptyResponse>((command, _) => command.Key is <= 0 or > 255
            ? throw new AmpRemoteException("FRAME_ERROR", $"key {command.Key} is refused")
            : new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, StartFrame.Push((byte)command.Key)))
        .AddLayerChange<StopFrame, AmpEmptyResponse>((_, connection) => connection.GetLayers() is [.., FrameLayer]
            ? new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, LayerChange.Pop<FrameLayer>())
            : throw new AmpRemoteException("FRAME_ERROR", "no frame layer on top"))
        .AddProtocolSwitch<FuzzSwitch>((command, _) => command.Protocol == "drain"
            ? DrainAsync
            : throw new UnknownFuzzProtocolException($"no protocol named {command.Protocol}"));

    /// <summary>The protocol switched to: says hello, then reads everything until the stream ends.</summary>
    public static async Task DrainAsync(AmpSwitchedConnection connection)
    {
        await connection.Pipe.Output.WriteAsync("DRAIN\n"u8.ToArray()).ConfigureAwait(false);
        await ReadToEndAsync(connection.Pipe.Input).ConfigureAwait(false);
    }

    public static async Task ReadToEndAsync(PipeReader input)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return;
            }
        }
    }
}
