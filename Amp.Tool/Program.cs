using Amp.Tool;

return await AmpTool.RunAsync(args, ToolConsole.System, CancellationToken.None, handleSignals: true);
