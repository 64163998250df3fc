namespace Amp.Tls;

/// <summary>Which end of the TLS handshake a side plays.</summary>
public enum TlsRole
{
    /// <summary>
    /// As Twisted decides: the side that opened the byte stream (the TCP client) is the TLS client,
    /// whichever side asked for TLS. Needs a transport that knows its role.
    /// </summary>
    Automatic = 0,

    /// <summary>This side sends the ClientHello.</summary>
    Client,

    /// <summary>This side answers the ClientHello.</summary>
    Server,
}
