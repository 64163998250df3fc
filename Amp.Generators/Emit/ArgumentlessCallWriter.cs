using System.Collections.Generic;
using System.Linq;
using System.Text;
using Amp.Generators.Model;

namespace Amp.Generators.Emit;

/// <summary>
/// Writes, for each response type of this assembly's commands without arguments, the overloads that let
/// <c>connection.CallRemoteAsync&lt;TCommand&gt;()</c> return that response. C# cannot infer a response type
/// from one type argument, so each response type gets a pair of extension methods constrained on
/// <c>IAmpCommand&lt;TResponse&gt;</c>: the compiler drops those whose constraint the command does not meet,
/// and AmpConnection's own overload (commands answering <c>AmpEmptyResponse</c>) is tried first.
/// </summary>
internal static class ArgumentlessCallWriter
{
    public static string Write(IReadOnlyList<CommandModel> commands)
    {
        List<string> responses = commands.Where(c => c.CallableWithoutArguments).Select(c => c.ResponseType)
            .Distinct(System.StringComparer.Ordinal).OrderBy(r => r, System.StringComparer.Ordinal).ToList();
        if (responses.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("namespace Amp");
        text.AppendLine("{");
        for (int i = 0; i < responses.Count; i++)
        {
            string response = responses[i];
            string task = $"global::System.Threading.Tasks.Task<{response}>";
            string constraint = $"where TCommand : class, global::Amp.IAmpCommand<{response}>, new()";
            string shown = response.Replace("global::", "").Replace("<", "&lt;").Replace(">", "&gt;");
            text.AppendLine($"    /// <summary>Calls of commands without arguments that answer with <c>{shown}</c>: <c>connection.CallRemoteAsync&lt;TCommand&gt;()</c>.</summary>");
            text.AppendLine("    [global::System.CodeDom.Compiler.GeneratedCode(\"Amp.Generators\", \"1.0\")]");
            text.AppendLine($"    internal static class AmpArgumentlessCalls{i}");
            text.AppendLine("    {");
            text.AppendLine("        /// <summary>Calls <typeparamref name=\"TCommand\"/>, created with its parameterless constructor; the same as <c>CallRemoteAsync(new TCommand(), cancellationToken)</c>.</summary>");
            text.AppendLine("        /// <typeparam name=\"TCommand\">The command type.</typeparam>");
            text.AppendLine("        /// <param name=\"connection\">The connection to call on.</param>");
            text.AppendLine("        /// <param name=\"cancellationToken\">Stops waiting for the answer.</param>");
            text.AppendLine("        /// <returns>The response.</returns>");
            text.AppendLine($"        public static {task} CallRemoteAsync<TCommand>(this global::Amp.AmpConnection connection, global::System.Threading.CancellationToken cancellationToken = default)");
            text.AppendLine($"            {constraint} =>");
            text.AppendLine($"            connection.CallRemoteAsync<{response}>(new TCommand(), cancellationToken);");
            text.AppendLine();
            text.AppendLine("        /// <summary>Calls <typeparamref name=\"TCommand\"/> with a timeout of its own; the same as <c>CallRemoteAsync(new TCommand(), timeout, cancellationToken)</c>.</summary>");
            text.AppendLine("        /// <typeparam name=\"TCommand\">The command type.</typeparam>");
            text.AppendLine("        /// <param name=\"connection\">The connection to call on.</param>");
            text.AppendLine("        /// <param name=\"timeout\">How long to wait for the answer.</param>");
            text.AppendLine("        /// <param name=\"cancellationToken\">Cancels the call.</param>");
            text.AppendLine("        /// <returns>The response.</returns>");
            text.AppendLine($"        public static {task} CallRemoteAsync<TCommand>(this global::Amp.AmpConnection connection, global::System.TimeSpan timeout, global::System.Threading.CancellationToken cancellationToken = default)");
            text.AppendLine($"            {constraint} =>");
            text.AppendLine($"            connection.CallRemoteAsync<{response}>(new TCommand(), timeout, cancellationToken);");
            text.AppendLine("    }");
        }

        text.AppendLine("}");
        return text.ToString();
    }
}
