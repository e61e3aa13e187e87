using AcumaticaZendesk.Sandbox;
using Serilog;

Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();
var config = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables("SANDBOX_").Build();
var options = new SandboxOptions
{
    Urls = config["urls"] ?? "http://127.0.0.1:5080",
    Seed = config["seed"],
    StateFile = config["state-file"],
    WebhookUrl = config["webhook-url"],
    WebhookSecret = config["webhook-secret"],
    RequestLogging = string.Equals(config["request-logging"], "true", StringComparison.OrdinalIgnoreCase),
};

try
{
    await using var host = await SandboxHost.StartAsync(options);
    Log.Information("Sandbox listening on {BaseUrl} (seed {Seed}); control API at {BaseUrl}_sandbox", host.BaseUrl, options.Seed ?? "none", host.BaseUrl);
    await host.WaitForShutdownAsync();
    return 0;
}
catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException)
{
    Log.Fatal("Sandbox failed to start: {Reason}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Internal: the sandbox is embedded through <c>SandboxHost</c>, and a public <c>Program</c> would clash with the apps' in test projects that
/// reference both.</summary>
internal partial class Program;
