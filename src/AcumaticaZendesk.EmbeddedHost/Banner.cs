namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>What the embedded mode says once everything listens: what it is, where, and what to open or curl.</summary>
internal static class Banner
{
    public static string For(EmbeddedSettings settings, IReadOnlyList<(string Name, string? Tenant)> keys, string secretsShown)
    {
        var sandbox = settings.SandboxUrl.ToString().TrimEnd('/');
        var worker = settings.WorkerUrl.ToString().TrimEnd('/');
        var admin = keys.FirstOrDefault(k => k.Tenant is null).Name;
        var keyList = keys.Count == 0
            ? $"none: add operator.api-keys.<name> to {secretsShown} to call the operator API"
            : string.Join(", ", keys.Select(k => k.Tenant is null ? $"{k.Name} (every tenant)" : $"{k.Name} (tenant {k.Tenant})"));
        return $"""

            AcumaticaZendesk: embedded mode, for evaluation only. The sandbox, sync-worker, webhook-receiver and an in-process
            stand-in for the Dapr sidecar run in this one process: the workflow engine is in process and all state is in
            memory (lost when it stops). `make run` with the Dapr CLI runs the real sidecars instead.

              sandbox           {sandbox}   simulated Acumatica + Zendesk (control API {sandbox}/_sandbox)
              sync-worker       {worker}   operator API {worker}/operator/v1, OpenAPI {worker}/openapi/operator.json
              webhook-receiver  {settings.ReceiverUrl.ToString().TrimEnd('/')}   receives the sandbox's signed Zendesk webhooks
              operator API keys {keyList}; values in {secretsShown}

            The sync-cron tick fires now and then every {settings.CronInterval.TotalSeconds:0} s; progress lines follow. Try:

              curl -s {sandbox}/_sandbox/zendesk/demo/organizations | head
              KEY=$(jq -r '.operator["api-keys"].{admin ?? "admin"}' {secretsShown})
              curl -s -H "X-Api-Key: $KEY" {worker}/operator/v1/tenants/demo/runs

            Ctrl+C stops.

            """;
    }
}
