using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Chaos;

/// <summary>The scenarios of <c>make chaos</c>, main flow first.</summary>
public static class Scenarios
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<ChaosScenario> All { get; } =
    [
        new("baseline", "none (reference figures)", ["base"], BaselineAsync),
        FaultScenarios.PlanLimit200,
        FaultScenarios.PlanLimit700,
        new("5xx-and-drops-10pct", "5% 5xx + 5% dropped connections on every call to each system", ["flaky"], FlakyAsync),
        new("tokens-expire-mid-run", "every access token (both systems) ended every 2 s during the load", ["expiry"], TokensExpireAsync),
        new("refresh-revoked", "tenant A: refresh + access tokens revoked and the integration user's password changed mid-run; tenant B unaffected", ["revoked", "bystander"], RefreshRevokedAsync),
        new("acumatica-login-limit", "cookie sign-in with the licence's API sessions all taken (429 API Login Limit), then freed", ["loginlimit"], LoginLimitAsync),
        new("endpoint-version-removed", "the tenant's endpoint version 24.200.001 removed after an upgrade, accounts renamed meanwhile; then config moved to 23.200.001", ["upgrade"], VersionRemovedAsync),
        new("worker-killed-3x", "sync worker stopped at random points of the initial load three times, then restarted", ["killed"], WorkerKilledAsync),
        new("duplicate-cron-triggers", "the cron binding fired twice at once for the same slot", ["cron"], DuplicateCronAsync),
        new("changed-while-paging", "accounts renamed and customers added while the initial load pages", ["paging"], ChangedWhilePagingAsync),
        new("ties-across-page-edges", "tie groups of 40 equal LastModifiedDateTime across pages of 25; then 30 records touched with one timestamp", ["ties"], TiesAsync),
        new("bulk-job-expires", "Zendesk job statuses gone (404) as soon as the job completes, before the connector reads them", ["jobs"], BulkJobExpiresAsync),
        FaultScenarios.MalformedAndOversizedRecords,
        FaultScenarios.SlowResponses,
        TicketScenarios.DuplicatedAndReordered,
        TicketScenarios.Lost,
        TicketScenarios.Faults,
    ];

    private static async Task<TimeSpan?> BaselineAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("base"), ct);
        return await c.ConvergeAsync("base", c.Elapsed, ct);
    }

    private static async Task<TimeSpan?> FlakyAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("flaky"), ct);
        var faults = new FaultSettings { ErrorRate = 0.05, ErrorStatusCodes = [500, 502, 503, 504], DropRate = 0.05 };
        c.Control.SetFaults("acumatica", faults);
        c.Control.SetFaults("zendesk", new FaultSettings { ErrorRate = 0.05, ErrorStatusCodes = [500, 502, 503, 504], DropRate = 0.05 });
        var start = c.Elapsed;
        var converged = await c.ConvergeAsync("flaky", start, ct);
        c.Control.SetFaults("acumatica", new FaultSettings());
        c.Control.SetFaults("zendesk", new FaultSettings());
        return converged;
    }

    private static async Task<TimeSpan?> TokensExpireAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("expiry", customers: 40), ct);
        var start = c.Elapsed;
        await RunWhileAsync(c, "expiry", TimeSpan.FromSeconds(2), _ =>
        {
            c.Control.ExpireAcumaticaAccessTokens("expiry");
            c.Control.ExpireZendeskAccessTokens("expiry");
            c.Injected("token expiries (both systems)");
        }, ct);
        return await c.ConvergeAsync("expiry", start, ct);
    }

    private static async Task<TimeSpan?> RefreshRevokedAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("revoked", customers: 40), ct);
        await c.AddTenantAsync(ScenarioContext.Dataset("bystander"), ct);
        var start = c.Elapsed;
        var revokedRun = await c.StartRunAsync("revoked", ct);
        var bystanderRun = await c.StartRunAsync("bystander", ct);
        await Task.Delay(400, ct);
        c.Control.AddAcumaticaUser("revoked", DemoCredentials.AcumaticaUser, "changed-by-the-customer-1");
        c.Control.RevokeAcumaticaTokens("revoked", accessTokensToo: true);
        c.Injected("refresh + access tokens revoked");
        var revoked = c.Summarize(await c.Connector.WaitForRunAsync(revokedRun, ScenarioContext.RunTimeout, ct));
        c.Summarize(await c.Connector.WaitForRunAsync(bystanderRun, ScenarioContext.RunTimeout, ct));

        var tenants = c.Connector.WorkerServices.GetRequiredService<TenantRepository>();
        var marked = await tenants.GetAsync("revoked", ct);
        c.Note($"revoked tenant: run {revoked?.Outcome}, needsAuthorization={marked?.Authorization?.NeedsAuthorization == true} ({marked?.Authorization?.Reason})");
        var bystander = await c.ConvergeAsync("bystander", start, ct);
        c.Note($"bystander converged while the other waited: {bystander is not null}");
        if (marked?.Authorization?.NeedsAuthorization != true || bystander is null)
        {
            c.Note("FAIL: the revoked tenant was not marked, or the other tenant did not go on");
            return null;
        }

        // The customer re-authorizes: the password is back and the operator's reconnect clears the mark.
        c.Control.AddAcumaticaUser("revoked", DemoCredentials.AcumaticaUser, DemoCredentials.AcumaticaPassword);
        await c.Connector.SaveTenantAsync(marked with { Authorization = null }, ct);
        return await c.ConvergeAsync("revoked", start, ct);
    }

    private static async Task<TimeSpan?> LoginLimitAsync(ScenarioContext c, CancellationToken ct)
    {
        var tenant = await c.AddTenantAsync(ScenarioContext.Dataset("loginlimit"), ct,
            t => t with { Acumatica = t.Acumatica with { AuthMode = AcumaticaAuthMode.Cookie } });
        c.Control.GetAcumaticaSettings("loginlimit").MaxApiSessions = 1;
        using (var http = new HttpClient())
        {
            var login = new StringContent(JsonSerializer.Serialize(new { name = DemoCredentials.AcumaticaUser, password = DemoCredentials.AcumaticaPassword, tenant = DemoCredentials.AcumaticaTenant }), Encoding.UTF8, "application/json");
            using var taken = await http.PostAsync(new Uri(tenant.Acumatica.InstanceUrl.TrimEnd('/') + "/entity/auth/login"), login, ct);
            if (taken.StatusCode != HttpStatusCode.NoContent)
            {
                c.Note($"FAIL: could not take the only API session ({(int)taken.StatusCode})");
                return null;
            }
        }

        c.Injected("API sessions taken by another client");
        var start = c.Elapsed;
        var instance = await c.StartRunAsync("loginlimit", ct);
        while (!c.Control.Requests.Recent(2000).Any(r => r.Status == 429 && r.Path.EndsWith("/entity/auth/login", StringComparison.Ordinal)))
        {
            await Task.Delay(20, ct);
        }

        // The other client signs out; the run's own retry (workflow activity retry) then signs in and goes on.
        c.Control.ClearSessions("loginlimit");
        var resumed = c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct));
        c.Note($"run that met the limit: {resumed?.Outcome}");
        var converged = await c.ConvergeAsync("loginlimit", start, ct);
        c.Note($"API sessions left open after the runs: {c.Control.OpenSessions("loginlimit")}");
        return converged;
    }

    private static async Task<TimeSpan?> VersionRemovedAsync(ScenarioContext c, CancellationToken ct)
    {
        var tenant = await c.AddTenantAsync(ScenarioContext.Dataset("upgrade"), ct);
        if (await c.ConvergeAsync("upgrade", c.Elapsed, ct) is null)
        {
            return null;
        }

        c.Control.RemoveEndpointVersion("upgrade", "24.200.001");
        c.Injected("endpoint version removed");
        foreach (var code in AccountCodes(c.Control, "upgrade", "Customer").Take(5))
        {
            c.Control.RenameAccount("upgrade", code, $"Renamed after upgrade {code}");
        }

        var start = c.Elapsed;
        var failed = await c.RunOnceAsync("upgrade", ct);
        var during = c.Reconcile("upgrade");
        c.Note($"run against the removed version: {failed?.Outcome}; lost while failing: {during.Lost}");
        if (failed is not { Outcome: SyncRunOutcome.Failed } || during.Lost != 0)
        {
            c.Note("FAIL: the run did not fail clearly or records were lost");
        }

        await c.Connector.SaveTenantAsync(tenant with { Acumatica = tenant.Acumatica with { EndpointVersion = "23.200.001" } }, ct);
        return await c.ConvergeAsync("upgrade", start, ct);
    }

    private static async Task<TimeSpan?> WorkerKilledAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("killed", customers: 60, vendors: 12), ct);
        var start = c.Elapsed;
        var instance = await c.StartRunAsync("killed", ct);
        for (var kill = 0; kill < 3; kill++)
        {
            await Task.Delay(Random.Shared.Next(300, 1500), ct);
            await c.RestartWorkerAsync();
            c.Injected("worker killed and restarted");
        }

        c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct));
        return await c.ConvergeAsync("killed", start, ct);
    }

    private static async Task<TimeSpan?> DuplicateCronAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("cron"), ct);
        var start = c.Elapsed;
        var ticks = await Task.WhenAll(c.Connector.Apps.TriggerSyncCronAsync(ct), c.Connector.Apps.TriggerSyncCronAsync(ct));
        c.Injected("cron triggers", ticks.Length);
        var outcomes = ticks.Select(t => JsonSerializer.Deserialize<CronTickReport>(t.Body, Web)!)
            .SelectMany(r => r.Tenants).Where(t => t.TenantId == "cron").ToList();
        var scheduled = outcomes.Where(o => o.Outcome == ScheduleOutcome.Scheduled).ToList();
        c.Note($"cron outcomes: {string.Join(", ", outcomes.Select(o => o.Outcome))}");
        if (scheduled.Count != 1)
        {
            c.Note($"FAIL: {scheduled.Count} runs scheduled for one slot");
            return null;
        }

        c.CountRun();
        c.Summarize(await c.Connector.WaitForRunAsync(scheduled[0].InstanceId!, ScenarioContext.RunTimeout, ct));
        return await c.ConvergeAsync("cron", start, ct);
    }

    private static async Task<TimeSpan?> ChangedWhilePagingAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("paging", customers: 40, vendors: 10), ct);
        var codes = AccountCodes(c.Control, "paging", "Customer");
        var start = c.Elapsed;
        await RunWhileAsync(c, "paging", TimeSpan.FromMilliseconds(120), i =>
        {
            var code = codes[Random.Shared.Next(codes.Count)];
            c.Control.RenameAccount("paging", code, $"Moved {code} #{i}");
            c.Injected("accounts renamed during the load");
            if (i % 3 == 0)
            {
                c.Control.AddCustomer("paging", $"NEW{i:D4}", $"Added while paging {i}", $"new{i}@paging.example");
                c.Injected("customers added during the load");
            }
        }, ct);
        return await c.ConvergeAsync("paging", start, ct);
    }

    private static async Task<TimeSpan?> TiesAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("ties", customers: 60, vendors: 12, tieGroupSize: 40), ct);
        var start = c.Elapsed;
        if (await c.ConvergeAsync("ties", start, ct) is null)
        {
            return null;
        }

        var touched = AccountCodes(c.Control, "ties", "Customer").Take(30).ToList();
        c.Control.TouchRecords("ties", "Customer", touched, "Status", "On Hold");
        c.Injected("records touched with one timestamp", touched.Count);
        var converged = await c.ConvergeAsync("ties", start, ct);
        await c.RunOnceAsync("ties", ct);
        var organizations = c.Control.Organizations("ties").OfType<JsonObject>()
            .Where(o => touched.Contains(o["external_id"]?.ToString() ?? "", StringComparer.OrdinalIgnoreCase)).ToList();
        var missed = touched.Count - organizations.Count(o => o["tags"]!.AsArray().Any(t => t!.ToString().Contains("hold", StringComparison.Ordinal)));
        c.Note($"touched accounts whose status change did not land: {missed}");
        c.AddStale(missed);
        return missed == 0 ? converged : null;
    }

    private static async Task<TimeSpan?> BulkJobExpiresAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("jobs"), ct);
        var settings = c.Control.GetZendeskSettings("jobs");
        settings.JobExpiry = TimeSpan.Zero;
        var start = c.Elapsed;
        var instance = await c.StartRunAsync("jobs", ct);

        // Only the first job's status is gone when it is read (a real account keeps them for an hour).
        while (!c.Control.Requests.Recent(2000).Any(r => r.Status == 404 && r.Path.Contains("/job_statuses/", StringComparison.Ordinal)))
        {
            await Task.Delay(20, ct);
        }

        settings.JobExpiry = TimeSpan.FromHours(1);
        c.Injected("job status expired before it was read");
        c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct));
        return await c.ConvergeAsync("jobs", start, ct);
    }

    /// <summary>Starts a run and calls <paramref name="tick"/> every <paramref name="interval"/> until it ends.</summary>
    private static async Task RunWhileAsync(ScenarioContext c, string tenantId, TimeSpan interval, Action<int> tick, CancellationToken ct)
    {
        var instance = await c.StartRunAsync(tenantId, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await Task.Delay(interval, stop.Token);
                tick(i);
            }
        }, CancellationToken.None);
        c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct));
        await stop.CancelAsync();
        await loop.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private static List<string> AccountCodes(SandboxControl control, string instance, string entity) =>
        [.. control.AcumaticaRecords(instance, entity).Select(r => r![$"{entity}ID"]!["value"]!.ToString().Trim())];
}
