namespace Amp.Tests.TestUtilities;

/// <summary>The C# side of the interop command set, answering as twisted_peer.py's server does.</summary>
public sealed class InteropResponders
{
    private readonly List<string> _notifications = new();

    public static AmpResponders Create() => new AmpResponders().AddObject(new InteropResponders());

    /// <summary>A fresh instance per connection, so Notify/GetNotifications are per connection.</summary>
    public IReadOnlyList<string> Received
    {
        get
        {
            lock (_notifications)
            {
                return _notifications.ToArray();
            }
        }
    }

    [AmpResponder]
    public SumResult Sum(Sum command) => new() { Total = command.A + command.B };

    [AmpResponder]
    public EchoValues Echo(Echo command) => command;

    [AmpResponder]
    public DivideResult Divide(Divide command) =>
        command.Denominator == 0
            ? throw new ZeroDivisionException("division by zero")
            : new DivideResult { Quotient = (double)command.Numerator / command.Denominator };

    [AmpResponder]
    public AmpEmptyResponse Die(Die command) => throw new DeathThreatException("aieeeeeeeee");

    [AmpResponder]
    public AmpEmptyResponse Fail(Fail command) => throw new InvalidOperationException("secret detail");

    [AmpResponder]
    public AmpEmptyResponse Notify(Notify command)
    {
        lock (_notifications)
        {
            _notifications.Add(command.Message);
        }

        return AmpEmptyResponse.Instance;
    }

    [AmpResponder]
    public Notifications GetNotifications(GetNotifications command) => new() { Messages = Received };

    [AmpResponder]
    public async Task<DelayResult> Delay(Delay command, CancellationToken cancellationToken)
    {
        await Task.Delay(command.Ms, cancellationToken);
        return new DelayResult { Value = command.Value };
    }

    [AmpResponder]
    public Task<SumResult> CallMeBack(CallMeBack command, AmpConnection connection, CancellationToken cancellationToken) =>
        connection.CallRemoteAsync(new Sum { A = command.A, B = command.B }, cancellationToken);

    [AmpResponder]
    public RawResult Raw(Raw command) => new() { Payload = command.Payload };

    [AmpResponder]
    public BigEchoValues BigEcho(BigEcho command) => command;

    [AmpResponder]
    public PeerInfoResult PeerInfo(PeerInfo command, AmpConnection connection)
    {
        IReadOnlyList<Amp.Tls.TlsConnectionInfo> layers = Amp.Tls.AmpTls.GetTlsLayers(connection);
        System.Security.Cryptography.X509Certificates.X509Certificate2? peer = layers.Count > 0 ? layers[^1].PeerCertificate : null;
        return new PeerInfoResult
        {
            Tls = layers.Count > 0,
            Subject = peer?.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false),
            Issuer = peer?.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: true),
        };
    }
}
