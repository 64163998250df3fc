using Amp.Compression;
using Amp.Tests.LayerChanges;
using Amp.Tests.Switching;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Faults;

/// <summary>
/// Two connections over a <see cref="FaultWire"/>, each answering the race tests' commands (StartTLS,
/// StopTLS, the raw-echo switch, <see cref="NeverAnswer"/>, see <see cref="PeerHooks"/>), StartCompression,
/// StopCompression, and <see cref="Detach"/>, whose responder hands the connection over to a silent echo.
/// </summary>
internal sealed class FaultPair : IAsyncDisposable
{
    /// <summary>Long enough never to end a handshake that a cut left waiting: that must end by itself, or be reported as a hang.</summary>
    private static readonly TimeSpan s_handshakeTimeout = TimeSpan.FromHours(1);

    private readonly TlsLayerOptions _clientTls;
    private readonly TlsLayerOptions _serverTls;

    private FaultPair(TlsEngine engine)
    {
        _clientTls = Race.ClientTls with { HandshakeTimeout = s_handshakeTimeout, Engine = engine };
        _serverTls = Race.ServerTls with { HandshakeTimeout = s_handshakeTimeout, Engine = engine };
        InitiatorHooks = new() { Tls = TlsFor };
        AcceptorHooks = new() { Tls = TlsFor };
        Initiator = AmpConnection.Start(Wire.Initiator, new AmpConnectionOptions { Name = "initiator", Responders = Responders(InitiatorHooks, InitiatorHandOver) });
        Acceptor = AmpConnection.Start(Wire.Acceptor, new AmpConnectionOptions { Name = "acceptor", Responders = Responders(AcceptorHooks, AcceptorHandOver) });
    }

    public FaultWire Wire { get; } = new();

    public AmpConnection Initiator { get; }

    public AmpConnection Acceptor { get; }

    public PeerHooks InitiatorHooks { get; }

    public PeerHooks AcceptorHooks { get; }

    public HandOverEcho InitiatorHandOver { get; } = new();

    public HandOverEcho AcceptorHandOver { get; } = new();

    /// <summary>A pair whose TLS layers, both sides', run on <paramref name="engine"/>.</summary>
    public static FaultPair Create(TlsEngine engine = TlsEngine.SslStream) => new(engine);

    /// <summary>The initiator is the TLS client, whichever side asks for TLS.</summary>
    public TlsLayerOptions TlsFor(AmpConnection connection) =>
        connection.Transport.Role == AmpTransportRole.Initiator ? _clientTls : _serverTls;

    public PeerHooks HooksOf(AmpConnection connection) => connection == Initiator ? InitiatorHooks : AcceptorHooks;

    public HandOverEcho HandOverOf(AmpConnection connection) => connection == Initiator ? InitiatorHandOver : AcceptorHandOver;

    public async ValueTask DisposeAsync()
    {
        // Cleanup only: a connection a bug left hanging must not hang the run as well (the test has failed by then).
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await Wire.CutAsync(Fault.Eof).WaitAsync(bounded.Token);
            foreach (AmpConnection connection in new[] { Initiator, Acceptor })
            {
                if (connection.SwitchedTo is { } switched)
                {
                    await switched.DisposeAsync().AsTask().WaitAsync(bounded.Token);
                }

                await connection.DisposeAsync().AsTask().WaitAsync(bounded.Token);
            }
        }
        catch (OperationCanceledException)
        {
            await TestContext.Out.WriteLineAsync($"cleanup did not finish: {Race.Describe(Initiator)}; {Race.Describe(Acceptor)}; {Wire}");
        }
    }

    // Sum alone, rather than the interop set: binding its responder object costs milliseconds per connection.
    private static AmpResponders Responders(PeerHooks hooks, HandOverEcho handOver) => hooks.CreateResponders(new AmpResponders().Add((Sum sum) => new SumResult { Total = sum.A + sum.B }))
        .AddStartCompression()
        .AddStopCompression()
        .Add<Detach, AmpEmptyResponse>((Detach _, AmpConnection connection, CancellationToken _) =>
        {
            handOver.Start(connection.HandOverAsync(CancellationToken.None));
            return new ValueTask<AmpEmptyResponse>(AmpEmptyResponse.Instance);
        });
}
