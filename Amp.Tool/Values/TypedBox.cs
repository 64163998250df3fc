using Amp.Boxes;
using Amp.Tool.Schemas;

namespace Amp.Tool.Values;

/// <summary>Builds argument boxes from <see cref="CallArgument"/>s and decodes boxes for printing, with or without declared types.</summary>
internal static class TypedBox
{
    /// <summary>
    /// The arguments' box. A key's type is the one written on the command line, else the declared one, else
    /// <c>bytes</c> (the text as UTF-8). With a command declaration, an undeclared key needs an explicit
    /// type and every required argument must be given.
    /// </summary>
    /// <exception cref="ToolException">A value is not of its type, a key is undeclared, or a required one is missing.</exception>
    public static AmpBox Arguments(CommandSchema? command, IReadOnlyList<CallArgument> arguments)
    {
        var box = new AmpBox();
        foreach (CallArgument argument in arguments)
        {
            FieldSchema? declared = command?.Arguments.FirstOrDefault(f => f.Key == argument.Key);
            if (command is not null && declared is null && argument.Type is null)
            {
                throw ToolException.Usage($"{command.Name} has no argument '{argument.DisplayKey}' (its arguments: {Names(command.Arguments)}); "
                    + $"write {argument.DisplayKey}:bytes=... to send it anyway");
            }

            WireType type = argument.Type ?? declared?.Type ?? ScalarType.Bytes;
            try
            {
                type.Write(box, argument.Key, type.Encode(argument.Input));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw ToolException.Usage($"{argument.DisplayKey}: {e.Message}");
            }
        }

        foreach (FieldSchema missing in command?.Arguments.Where(f => !f.Optional && !box.ContainsKey(f.Key)) ?? [])
        {
            throw ToolException.Usage($"{command!.Name} needs the argument '{missing.Key}' ({missing.Type})");
        }

        return box;
    }

    /// <summary>
    /// Decodes <paramref name="box"/>: declared keys first, in declaration order and with their types, then the
    /// others in the order Twisted writes them (bytewise), as bytes. A declared value that does not decode is
    /// kept as bytes and described in <paramref name="problems"/>; without it, it throws.
    /// </summary>
    /// <exception cref="FormatException">A value does not decode and <paramref name="problems"/> is null.</exception>
    public static DecodedBox Decode(AmpBox box, IReadOnlyList<FieldSchema>? fields, ICollection<string>? problems = null, IReadOnlySet<string>? skip = null)
    {
        var decoded = new List<KeyValuePair<string, object>>();
        var used = new HashSet<string>(skip ?? new HashSet<string>(), StringComparer.Ordinal);
        foreach (FieldSchema field in fields ?? [])
        {
            IReadOnlyList<string> keys = field.Type.TryRead(box, field.Key, out byte[]? wire);
            if (wire is null)
            {
                if (!field.Optional)
                {
                    Report(problems, $"the required key '{field.Key}' ({field.Type}) is missing");
                }

                continue;
            }

            used.UnionWith(keys);
            try
            {
                decoded.Add(new(field.Key, field.Type.Decode(wire)));
            }
            catch (FormatException e)
            {
                Report(problems, $"'{field.Key}' is {e.Message}");
                decoded.Add(new(field.Key, wire));
            }
        }

        foreach (string key in box.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal))
        {
            decoded.Add(new(key, box[key].ToArray()));
        }

        return new DecodedBox(decoded);
    }

    private static void Report(ICollection<string>? problems, string problem)
    {
        if (problems is null)
        {
            throw new FormatException(problem);
        }

        problems.Add(problem);
    }

    private static string Names(IReadOnlyList<FieldSchema> fields) =>
        fields.Count == 0 ? "none" : string.Join(", ", fields.Select(f => f.Optional ? f.Key + "?" : f.Key));
}
