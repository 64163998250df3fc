namespace Amp.Hosting;

/// <summary>
/// The settings of each connection a listener accepts, as in <see cref="AmpConnectionOptions"/> (see there for
/// their meaning). A value left <see langword="null"/> keeps Amp.NET's default.
/// </summary>
public sealed class AmpListenerConnectionOptions
{
    /// <summary><see cref="AmpConnectionOptions.MaxConcurrentIncomingCalls"/> (default 256).</summary>
    public int? MaxConcurrentIncomingCalls { get; init; }

    /// <summary><see cref="AmpConnectionOptions.MaxQueuedOutgoingBytes"/> (default 4 MiB).</summary>
    public long? MaxQueuedOutgoingBytes { get; init; }

    /// <summary><see cref="AmpConnectionOptions.CallTimeout"/> (default none).</summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary><see cref="AmpConnectionOptions.IdleTimeout"/> (default none; set it on servers that face the internet).</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary><see cref="AmpConnectionOptions.KeepAliveInterval"/> (default 30 seconds).</summary>
    public TimeSpan? KeepAliveInterval { get; init; }

    /// <summary><see cref="AmpConnectionOptions.KeepAliveTimeout"/> (default 20 seconds).</summary>
    public TimeSpan? KeepAliveTimeout { get; init; }

    /// <summary><see cref="Boxes.AmpLimits.MaxValueLength"/> of <see cref="AmpConnectionOptions.Limits"/>.</summary>
    public int? MaxValueLength { get; init; }

    /// <summary><see cref="Boxes.AmpLimits.MaxBoxBytes"/> of <see cref="AmpConnectionOptions.Limits"/> (default 1 MiB).</summary>
    public int? MaxBoxBytes { get; init; }

    /// <summary><see cref="Boxes.AmpLimits.MaxKeysPerBox"/> of <see cref="AmpConnectionOptions.Limits"/> (default 1024).</summary>
    public int? MaxKeysPerBox { get; init; }

    /// <summary><see cref="AmpConnectionOptions.MaxLayerDepth"/> (default 8).</summary>
    public int? MaxLayerDepth { get; init; }

    /// <summary><see cref="AmpConnectionOptions.CloseOnUnknownError"/> (default <see langword="false"/>).</summary>
    public bool? CloseOnUnknownError { get; init; }

    /// <summary><see cref="AmpConnectionOptions.Extensions"/>, such as <c>"All"</c>, <c>"None"</c> or <c>"Streams, GoAway"</c> (default all).</summary>
    public AmpExtensions? Extensions { get; init; }
}
