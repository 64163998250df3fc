using System.Text;
using Amp.Negotiation;
using Amp.Negotiation.Http;
using Amp.Negotiation.Phases;

namespace Amp.Tests.Negotiation;

/// <summary>The strict HTTP/1.1 head parser of the plaintext phase, the exact bytes it writes, and the public constants.</summary>
[TestFixture]
public sealed class HttpHeadTests
{
    [TestCase("GET /amp/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n", true)]
    [TestCase("GET /amp/x HTTP/1.1\r\nhost:h\r\nCONNECTION:  keep-alive ,\tupgrade \r\nupgrade: websocket, AMP/1\r\n\r\n", true)]
    [TestCase("GET /amp/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: amp/2\r\n\r\n", false)]
    [TestCase("GET /amp/x HTTP/1.1\r\nHost: h\r\nUpgrade: amp/1\r\n\r\n", false)]
    [TestCase("GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n", false)]
    public void An_upgrade_to_AMP_needs_both_headers(string text, bool isAmp)
    {
        HttpRequestHead request = HttpRequestHead.Parse(Encoding.ASCII.GetBytes(text));
        Assert.That(request.IsAmpUpgrade, Is.EqualTo(isAmp));
        Assert.That(request.HostCount, Is.EqualTo(1));
    }

    [TestCase("GET /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n", false)]
    [TestCase("GET /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n", true)]
    [TestCase("GET /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", true)]
    public void A_body_is_noticed(string text, bool hasBody) =>
        Assert.That(HttpRequestHead.Parse(Encoding.ASCII.GetBytes(text)).HasBody, Is.EqualTo(hasBody));

    [TestCase("\r\n\r\n", TestName = "an empty request line")]
    [TestCase("GET /amp/x\r\n\r\n", TestName = "no version")]
    [TestCase("GET  /amp/x HTTP/1.1\r\n\r\n", TestName = "two spaces")]
    [TestCase("GET /amp/x HTTP/1.1 \r\n\r\n", TestName = "a trailing space")]
    [TestCase("GET /amp/x HTTP/11\r\n\r\n", TestName = "a bad version")]
    [TestCase("G(T /amp/x HTTP/1.1\r\n\r\n", TestName = "a method that is not a token")]
    [TestCase("GET /amp/\u0001 HTTP/1.1\r\n\r\n", TestName = "a control character in the target")]
    [TestCase("GET /amp/x HTTP/1.1\r\nHost : h\r\n\r\n", TestName = "a space before the colon")]
    [TestCase("GET /amp/x HTTP/1.1\r\n Host: h\r\n\r\n", TestName = "a folded line")]
    [TestCase("GET /amp/x HTTP/1.1\r\nHost h\r\n\r\n", TestName = "no colon")]
    [TestCase("GET /amp/x HTTP/1.1\r\n: h\r\n\r\n", TestName = "an empty name")]
    [TestCase("GET /amp/x HTTP/1.1\r\nHost: a\u0000b\r\n\r\n", TestName = "a NUL in a value")]
    [TestCase("GET /amp/x HTTP/1.1\r\nHost: a\rb\r\n\r\n", TestName = "a CR inside a line")]
    public void A_malformed_request_is_refused_with_the_reason(string text) =>
        Assert.That(() => HttpRequestHead.Parse(Encoding.Latin1.GetBytes(text)), Throws.TypeOf<FormatException>());

    [TestCase("HTTP/1.1 101 Switching Protocols\r\n\r\n", 101)]
    [TestCase("HTTP/1.0 404 \r\n\r\n", 404)]
    [TestCase("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 12\r\n\r\n", 426)]
    public void Status_lines_are_read(string text, int status) =>
        Assert.That(HttpResponseHead.Parse(Encoding.ASCII.GetBytes(text)).StatusCode, Is.EqualTo(status));

    [TestCase("HTTP/1.1 101\r\n\r\n", TestName = "no space after the code")]
    [TestCase("HTTP/2.0 200 OK\r\n\r\n", TestName = "not HTTP/1.x")]
    [TestCase("HTTP/1.1 2000 OK\r\n\r\n", TestName = "four digits")]
    [TestCase("HTTP/1.1 099 OK\r\n\r\n", TestName = "a code below 100")]
    [TestCase("SSH-2.0-OpenSSH_9.6\r\n\r\n", TestName = "another protocol")]
    public void A_malformed_answer_is_refused(string text) =>
        Assert.That(() => HttpResponseHead.Parse(Encoding.ASCII.GetBytes(text)), Throws.TypeOf<FormatException>());

    [Test]
    public void The_request_and_the_answers_are_byte_for_byte_as_specified()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.ASCII.GetString(HttpMessages.Request(new NegotiationAddress("example.org", 5000, "calc"))),
                Is.EqualTo("GET /amp/calc HTTP/1.1\r\nHost: example.org:5000\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n"));
            Assert.That(Encoding.ASCII.GetString(HttpMessages.Request(new NegotiationAddress("::1", 80, "t"))),
                Is.EqualTo("GET /amp/t HTTP/1.1\r\nHost: [::1]:80\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n"));
            Assert.That(Encoding.ASCII.GetString(HttpMessages.SwitchingProtocols()),
                Is.EqualTo("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: amp/1\r\n\r\n"));
            Assert.That(Encoding.ASCII.GetString(HttpMessages.SeeOther(new NegotiationAddress("b.example", 7000, "calc2"))),
                Is.EqualTo("HTTP/1.1 303 See Other\r\nLocation: http://b.example:7000/amp/calc2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            Assert.That(Encoding.ASCII.GetString(HttpMessages.Error(404, "No AMP target here is named x.\n")),
                Is.EqualTo("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 31\r\nConnection: close\r\n\r\nNo AMP target here is named x.\n"));
            Assert.That(Encoding.ASCII.GetString(HttpMessages.Error(426, "x\n")),
                Is.EqualTo("HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\nUpgrade: amp/1\r\nConnection: Upgrade, close\r\n\r\nx\n"));
        });
    }

    [TestCase("http://b.example:7000/amp/calc", "b.example", 7000, "calc")]
    [TestCase("HTTP://B.example/amp/calc", "b.example", 80, "calc")]
    [TestCase("http://[::1]:7000/amp/calc", "::1", 7000, "calc")]
    [TestCase("/amp/other", "here", 5000, "other")]
    public void A_redirect_location_is_an_http_URL_or_a_path_on_the_same_host(string location, string host, int port, string target) =>
        Assert.That(PlaintextClient.ParseLocation(location, new NegotiationAddress("here", 5000, "calc")), Is.EqualTo(new NegotiationAddress(host, port, target)));

    [TestCase("https://b.example/amp/calc")]
    [TestCase("ftp://b.example/amp/calc")]
    [TestCase("http://b.example/calc")]
    [TestCase("http://b.example/amp/calc?x=1")]
    [TestCase("http://b.example/amp/calc#f")]
    [TestCase("http://user@b.example/amp/calc")]
    [TestCase("http://b.example/amp/a/b")]
    [TestCase("/amp/")]
    [TestCase("amp/calc")]
    [TestCase("")]
    public void Any_other_location_is_not_followed(string location) =>
        Assert.That(PlaintextClient.ParseLocation(location, new NegotiationAddress("here", 5000, "calc")), Is.Null);

    [TestCase("/amp/calc", true, "calc")]
    [TestCase("/amp/a-b.c_d~e", true, "a-b.c_d~e")]
    [TestCase("/amp/", false, "")]
    [TestCase("/amp/a/b", false, "")]
    [TestCase("/amp/a%20b", false, "")]
    [TestCase("/AMP/calc", false, "")]
    [TestCase("/amp/calc?x", false, "")]
    public void Target_paths(string path, bool isTarget, string target)
    {
        Assert.That(NegotiationProtocol.TryParseTargetPath(path, out string parsed), Is.EqualTo(isTarget));
        Assert.That(parsed, Is.EqualTo(target));
    }

    [Test]
    public void Ids_are_1_to_128_unreserved_characters()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NegotiationProtocol.IsValidId("a"), Is.True);
            Assert.That(NegotiationProtocol.IsValidId(new string('z', 128)), Is.True);
            Assert.That(NegotiationProtocol.IsValidId(new string('z', 129)), Is.False);
            Assert.That(NegotiationProtocol.IsValidId(""), Is.False);
            Assert.That(NegotiationProtocol.IsValidId(null), Is.False);
            Assert.That(NegotiationProtocol.IsValidId("a b"), Is.False);
            Assert.That(NegotiationProtocol.IsValidId("a/b"), Is.False);
            Assert.That(NegotiationProtocol.IsValidId("é"), Is.False);
            Assert.That(() => new NegotiationOptions { Id = "a b" }, Throws.ArgumentException);
            Assert.That(() => NegotiationProtocol.TargetPath("a/b"), Throws.ArgumentException);
            Assert.That(NegotiationProtocol.IsAmpUpgrade("Upgrade", "amp/1"), Is.True);
            Assert.That(NegotiationProtocol.IsAmpUpgrade("keep-alive,Upgrade", "h2c, amp/1"), Is.True);
            Assert.That(NegotiationProtocol.IsAmpUpgrade("keep-alive", "amp/1"), Is.False);
            Assert.That(NegotiationProtocol.IsAmpUpgrade("Upgrade", null), Is.False);
        });
    }
}
