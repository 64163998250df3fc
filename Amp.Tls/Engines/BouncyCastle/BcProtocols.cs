using Org.BouncyCastle.Tls;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// What the layer needs of BouncyCastle's protocol beyond its public API: TLS's half-close. BouncyCastle
/// answers a received close_notify with its own and closes both directions, and its <c>Close</c> closes
/// reading too. StopTLS needs each direction on its own: send close_notify and keep reading until the
/// peer's; read the peer's and keep writing until this side stops (RFC 8446 §6.1 allows both).
/// </summary>
internal interface IBcHalfClose
{
    /// <summary>Whether the peer's close_notify has been read: its input is over, nothing more is offered.</summary>
    bool PeerClosed { get; }

    /// <summary>Queues this side's close_notify (an encrypted warning alert) without closing reading.</summary>
    void SendCloseNotify();
}

/// <summary>BouncyCastle's client protocol in non-blocking mode, with the half-close of <see cref="IBcHalfClose"/>.</summary>
internal sealed class BcClientProtocol : TlsClientProtocol, IBcHalfClose
{
    public bool PeerClosed { get; private set; }

    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "StopTLS: this side stops writing");

    protected override void HandleAlertWarningMessage(short alertDescription)
    {
        if (alertDescription == AlertDescription.close_notify && !IsHandshaking)
        {
            PeerClosed = true;
            return;
        }

        base.HandleAlertWarningMessage(alertDescription);
    }
}

/// <summary>BouncyCastle's server protocol in non-blocking mode, with the half-close of <see cref="IBcHalfClose"/>.</summary>
internal sealed class BcServerProtocol : TlsServerProtocol, IBcHalfClose
{
    public bool PeerClosed { get; private set; }

    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "StopTLS: this side stops writing");

    protected override void HandleAlertWarningMessage(short alertDescription)
    {
        if (alertDescription == AlertDescription.close_notify && !IsHandshaking)
        {
            PeerClosed = true;
            return;
        }

        base.HandleAlertWarningMessage(alertDescription);
    }
}
