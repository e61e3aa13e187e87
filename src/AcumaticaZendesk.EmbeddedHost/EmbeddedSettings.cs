using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>
/// What the embedded mode runs with. Command line: <c>--repo-root</c> (default: the current directory),
/// <c>--secrets-file</c> (default <c>components/secrets.local.json</c>), <c>--tenants-file</c> (default
/// <c>config/tenants.demo.json</c>), <c>--sandbox-port</c> 5080, <c>--worker-port</c> 5180, <c>--receiver-port</c> 5181,
/// <c>--cron-interval</c> 00:01:00 (the pace of the local <c>sync-cron</c> binding, which fires at the start of every minute).
/// </summary>
internal sealed record EmbeddedSettings(
    string SecretsFile, string TenantsFile, int SandboxPort, int WorkerPort, int ReceiverPort, TimeSpan CronInterval)
{
    public Uri SandboxUrl => new($"http://127.0.0.1:{SandboxPort}/");

    public Uri WorkerUrl => new($"http://127.0.0.1:{WorkerPort}/");

    public Uri ReceiverUrl => new($"http://127.0.0.1:{ReceiverPort}/");

    /// <summary>Reads the command line; relative paths resolve against <paramref name="currentDirectory"/>.</summary>
    /// <exception cref="ArgumentException">An option is malformed or a file is missing (the message says how to fix it).</exception>
    public static EmbeddedSettings Parse(string[] args, string currentDirectory)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).Build();
        var root = Path.GetFullPath(config["repo-root"] ?? ".", currentDirectory);
        var secrets = Path.GetFullPath(config["secrets-file"] ?? Path.Combine("components", "secrets.local.json"), root);
        var tenants = Path.GetFullPath(config["tenants-file"] ?? Path.Combine("config", "tenants.demo.json"), root);
        if (!File.Exists(secrets))
        {
            throw new ArgumentException(
                $"The secrets file {secrets} does not exist: run 'make secrets' (it copies components/secrets.sample.json with fresh keys) or pass "
                    + "--secrets-file.");
        }

        if (!File.Exists(tenants))
        {
            throw new ArgumentException($"The tenants file {tenants} does not exist: pass --tenants-file (config/tenants.demo.json in the repository).");
        }

        var interval = TimeSpan.TryParse(config["cron-interval"] ?? "00:01:00", CultureInfo.InvariantCulture, out var parsed)
            && parsed >= TimeSpan.FromSeconds(1)
            ? parsed
            : throw new ArgumentException($"--cron-interval '{config["cron-interval"]}' is not a duration of at least one second (hh:mm:ss).");
        return new EmbeddedSettings(
            secrets,
            tenants,
            Port(config, "sandbox-port", 5080),
            Port(config, "worker-port", 5180),
            Port(config, "receiver-port", 5181),
            interval);
    }

    private static int Port(IConfiguration config, string key, int fallback)
    {
        var text = config[key];
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new ArgumentException($"--{key} '{text}' is not a TCP port (1-65535).");
    }
}
