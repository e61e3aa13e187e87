using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>Starts the embedded connector, prints where everything is, ticks the cron and prints progress until stopped.</summary>
internal static class EmbeddedRun
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        EmbeddedSettings settings;
        IReadOnlyDictionary<string, string> secrets;
        try
        {
            settings = EmbeddedSettings.Parse(args, Environment.CurrentDirectory);
            secrets = SecretsFile.Read(settings.SecretsFile);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException)
        {
            await output.WriteLineAsync($"embedded mode: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        var secretsShown = Path.GetRelativePath(Environment.CurrentDirectory, settings.SecretsFile);

        // The in-process app hosts find the apps' content roots through the manifest next to this program.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        EmbeddedConnector connector;
        try
        {
            connector = await EmbeddedConnector.StartAsync(settings, secrets, stop.Token).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await output.WriteLineAsync(
                $"embedded mode: could not listen ({ex.Message}). Is `make run` already running? Stop it, or choose other ports with --sandbox-port, "
                    + "--worker-port and --receiver-port.").ConfigureAwait(
                    false);
            return 1;
        }

        await using (connector.ConfigureAwait(false))
        {
            var keys = OperatorKeys.In(secrets);
            await output.WriteLineAsync(Banner.For(settings, keys, secretsShown)).ConfigureAwait(false);
            var work = new List<Task> { new CronTicker(connector.Apps, settings.CronInterval, output).RunAsync(stop.Token) };
            work.Add(new ProgressLine(connector.Apps.SyncWorkerServices, TenantIds(settings.TenantsFile), output).RunAsync(stop.Token));

            try
            {
                await Task.WhenAll(work).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await output.WriteLineAsync("embedded mode: stopping").ConfigureAwait(false);
            }
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static List<string> TenantIds(string tenantsFile) =>
        JsonNode.Parse(File.ReadAllText(tenantsFile))?.AsArray().Select(t => (string?)t?["id"]).OfType<string>().ToList() ?? [];
}
