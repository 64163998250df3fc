using System.Globalization;

namespace Amp.Negotiation.Blocks;

/// <summary>The Decision block the master sends (spec/amp-wire.md §16.6): accept with the parameters, or refuse with a reason.</summary>
internal static class DecisionBlock
{
    /// <summary>The refusal reasons on the wire and the failure each is reported as.</summary>
    private static readonly (string Code, NegotiationFailure Failure)[] s_reasons =
    [
        ("no-common-version", NegotiationFailure.NoCommonVersion),
        ("duplicate-connection", NegotiationFailure.DuplicateConnection),
        ("refused", NegotiationFailure.Refused),
    ];

    public static byte[] WriteAccept(NegotiationDecision decision)
    {
        var block = new NegotiationBlock()
            .Add("Decision", "accept")
            .Add("Version", decision.Version.ToString(CultureInfo.InvariantCulture))
            .Add("Connection-Id", decision.ConnectionId);
        if (decision.Extensions != AmpExtensions.None)
        {
            block.Add("Extensions", BlockValues.Extensions(decision.Extensions));
        }

        if (decision.Replaces is { } replaces)
        {
            block.Add("Replaces", replaces);
        }

        HelloBlock.AddParameters(block, decision.Parameters);
        return block.ToBytes();
    }

    public static byte[] WriteRefusal(NegotiationFailure failure, string message) =>
        new NegotiationBlock().Add("Decision", "refuse").Add("Reason", Code(failure)).Add("Message", message).ToBytes();

    public static string Code(NegotiationFailure failure)
    {
        foreach ((string code, NegotiationFailure known) in s_reasons)
        {
            if (known == failure)
            {
                return code;
            }
        }

        return "refused";
    }

    /// <summary>
    /// Reads a Decision block: the decision, or <see langword="null"/> and the refusal's failure and message.
    /// <paramref name="unknownExtension"/> tells that the decision names an extension this side does not know (so never offered).
    /// </summary>
    /// <exception cref="FormatException">A required key is missing or a value breaks its grammar.</exception>
    public static NegotiationDecision? Read(NegotiationBlock block, out NegotiationFailure refusal, out string message, out bool unknownExtension)
    {
        unknownExtension = false;
        refusal = NegotiationFailure.Refused;
        message = string.Empty;
        switch (block["Decision"])
        {
            case "refuse":
                string reason = block["Reason"] ?? "refused";
                foreach ((string code, NegotiationFailure failure) in s_reasons)
                {
                    refusal = code == reason ? failure : refusal;
                }

                message = $"{reason}: {block["Message"] ?? "(no message)"}";
                return null;
            case "accept":
                int version = BlockValues.ParseVersion(block["Version"] ?? throw new FormatException("the Decision block has no Version"), "Version");
                string id = block["Connection-Id"] ?? throw new FormatException("the Decision block has no Connection-Id");
                string? replaces = block["Replaces"];
                if (!BlockValues.IsConnectionId(id) || (replaces is not null && !BlockValues.IsConnectionId(replaces)))
                {
                    throw new FormatException("Connection-Id or Replaces is not a connection id (32 lower-case hexadecimal digits)");
                }

                AmpExtensions extensions = BlockValues.ParseExtensions(block["Extensions"], out unknownExtension);
                return new NegotiationDecision(version, extensions, HelloBlock.ReadParameters(block), id, replaces);
            default:
                throw new FormatException($"Decision holds '{block["Decision"] ?? "(nothing)"}', not 'accept' or 'refuse'");
        }
    }
}
