namespace Amp.Tests.Hosting;

/// <summary>Asks which scope and listener answer: the id of the connection's scoped <see cref="ScopedProbe"/>.</summary>
[AmpCommand("HostProbe")]
public sealed class HostProbe : IAmpCommand<HostProbeResult>;

public sealed class HostProbeResult
{
    [AmpArgument("scope")] public string Scope { get; init; } = "";
    [AmpArgument("listener")] public string Listener { get; init; } = "";
}

/// <summary>Stores a value in the connection's state.</summary>
[AmpCommand("Remember")]
public sealed class Remember : IAmpCommand<AmpEmptyResponse>
{
    [AmpArgument("value")] public string Value { get; init; } = "";
}

/// <summary>Reads what <see cref="Remember"/> stored on the same connection ("" when nothing).</summary>
[AmpCommand("Recall")]
public sealed class Recall : IAmpCommand<RecallResult>;

public sealed class RecallResult
{
    [AmpArgument("value")] public string Value { get; init; } = "";
}

/// <summary>Waits until the test releases its key (a call in flight for as long as a test needs).</summary>
[AmpCommand("HostHold")]
public sealed class HostHold : IAmpCommand<HostHoldResult>
{
    [AmpArgument("key")] public int Key { get; init; }
}

public sealed class HostHoldResult
{
    [AmpArgument("key")] public int Key { get; init; }
}

/// <summary>The server asks a client its name (a call back over the hosted connection).</summary>
[AmpCommand("WhoAreYou")]
public sealed class WhoAreYou : IAmpCommand<WhoAreYouResult>;

public sealed class WhoAreYouResult
{
    [AmpArgument("name")] public string Name { get; init; } = "";
}
