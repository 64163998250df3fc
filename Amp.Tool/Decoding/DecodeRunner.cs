using System.Text;

namespace Amp.Tool.Decoding;

/// <summary><c>amp decode</c>: reads a file, standard input or <c>--hex</c> text a chunk at a time and prints its boxes.</summary>
internal static class DecodeRunner
{
    public static async Task<int> RunAsync(DecodeRequest request, ToolConsole console, CancellationToken cancellationToken)
    {
        DecodeFormat format = request.InlineHex is not null ? DecodeFormat.Hex : request.Format;
        Stream input = Open(request, console);
        await using (input.ConfigureAwait(false))
        {
            var boxes = new BoxStream(console, request.Json, format);
            byte[] chunk = new byte[64 * 1024];
            while (true)
            {
                int read;
                try
                {
                    read = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw ToolException.Usage($"cannot read {request.Path ?? "standard input"}: {e.Message}");
                }

                if (read == 0)
                {
                    return boxes.Finish();
                }

                if (boxes.Feed(chunk.AsSpan(0, read)) is { } failed)
                {
                    return failed;
                }
            }
        }
    }

    private static Stream Open(DecodeRequest request, ToolConsole console)
    {
        if (request.InlineHex is { } hex)
        {
            return request.Path is null ? new MemoryStream(Encoding.ASCII.GetBytes(hex)) : throw ToolException.Usage("give a file or --hex, not both");
        }

        if (request.Path is null or "-")
        {
            return console.OpenInput();
        }

        try
        {
            return new FileStream(request.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw ToolException.Usage($"cannot read {request.Path}: {e.Message}");
        }
    }
}
