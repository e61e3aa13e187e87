using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Chaos;

/// <summary>The scenarios of <c>make chaos</c>, main flow first.</summary>
public static class Scenarios
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<ChaosScenario> All { get; } =
    [
        new("baseline", "none (reference figures)",
            "the first run finishes and creates every record; no re-run needed", ["base"], BaselineAsync),
        FaultScenarios.PlanLimit200,
        FaultScenarios.PlanLimit700,
        new("5xx-and-drops-10pct", "5% 5xx + 5% dropped connections on every call to each system (and at least one of each per system)",
            "the faulted first run finishes (client and workflow retries absorb the faults)", ["flaky"], FlakyAsync)
        {
            Evidence = ["acumatica 5", "acumatica 499", "zendesk 5", "zendesk 499"],
        },
        new("tokens-expire-mid-run", "every access token (both systems) ended every second during the load",
            "the run finishes (tokens refreshed or renewed after the 401s)", ["expiry"], TokensExpireAsync)
        {
            Evidence = ["acumatica 401", "zendesk 401"],
        },
        new("refresh-revoked", "tenant A: refresh + access tokens revoked and the integration user's password changed mid-run; tenant B unaffected",
            "A's run fails and A is marked needs-authorization; B's run finishes and B converges meanwhile; A converges once re-authorized", [
                "revoked",
                "bystander"], RefreshRevokedAsync)
        {
            Evidence = ["acumatica 400"],
        },
        new("acumatica-login-limit", "cookie sign-in with the licence's API sessions all taken (429 API Login Limit), then freed",
            "the run that met the limit finishes once a session frees (workflow retry), leaving no extra session open", ["loginlimit"], LoginLimitAsync)
        {
            Evidence = ["acumatica 429"],
        },
        new(
            "endpoint-version-removed",
            "the tenant's endpoint version 24.200.001 removed after an upgrade, accounts renamed meanwhile; then config moved to 23.200.001",
            "the run against the removed version fails at once, naming acumatica.endpointVersion, with nothing lost; after the move the renames land", [
                "upgrade"], VersionRemovedAsync)
        {
            Evidence = ["acumatica 404"],
        },
        new("worker-killed-3x", "sync worker stopped at random points of the initial load three times, then restarted",
            "the interrupted run is finished by the restarted worker (activities re-dispatched)", ["killed"], WorkerKilledAsync)
        {
            Evidence = [ScenarioContext.WorkerRestarts],
        },
        new("duplicate-cron-triggers", "the cron binding fired twice at once for the same slot",
            "exactly one run is scheduled for the slot, and it finishes", ["cron"], DuplicateCronAsync)
        {
            Evidence = [CronTriggers],
        },
        new("changed-while-paging", "accounts renamed and customers added while the initial load pages",
            "the run paging through the changes finishes; the next run picks up every change", ["paging"], ChangedWhilePagingAsync)
        {
            Evidence = [RenamedWhilePaging, AddedWhilePaging],
        },
        new("ties-across-page-edges", "tie groups of 40 equal LastModifiedDateTime across pages of 25; then 30 records touched with one timestamp",
            "every run finishes; the touched accounts' status change lands", ["ties"], TiesAsync)
        {
            Evidence = [TouchedWithOneTimestamp],
        },
        new("bulk-job-expires", "Zendesk job statuses gone (404) as soon as the job completes, before the connector reads them",
            "the run whose job status is gone finishes (the page is processed again, records found by external_id)", ["jobs"], BulkJobExpiresAsync)
        {
            Evidence = ["zendesk 404"],
        },
        FaultScenarios.MalformedAndOversizedRecords,
        FaultScenarios.SlowResponses,
        TicketScenarios.DuplicatedAndReordered,
        TicketScenarios.Lost,
        TicketScenarios.Faults,
    ];

    private const string CronTriggers = "cron triggers (answered 200)";
    private const string RenamedWhilePaging = "accounts renamed during the load (seen in Acumatica)";
    private const string AddedWhilePaging = "customers added during the load (seen in Acumatica)";
    private const string TouchedWithOneTimestamp = "records tied on one timestamp (seen in Acumatica)";

    private static async Task<TimeSpan?> BaselineAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("base"), ct);
        var start = c.Elapsed;
        c.ExpectFinished(await c.RunOnceAsync("base", ct), "the first run");
        var converged = await c.ConvergeAsync("base", start, ct);
        c.Check(c.Reruns == 0, $"converged without a re-run ({c.Reruns})");
        return converged;
    }

    private static async Task<TimeSpan?> FlakyAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("flaky"), ct);
        // Besides the rates, one 502 and one dropped connection for sure on each system, on reads (which the clients retry).
        FaultSettings Faults(string reads) => new()
        {
            ErrorRate = 0.05,
            ErrorStatusCodes = [500, 502, 503, 504],
            DropRate = 0.05,
            FailNextCount = 1,
            FailNextStatus = 502,
            DropNextCount = 1,
            NextRequestContains = reads,
        };
        c.Control.SetFaults("acumatica", Faults("GET /acumatica/flaky/entity/"));
        c.Control.SetFaults("zendesk", Faults("GET /zendesk/flaky/api/v2/"));
        var start = c.Elapsed;
        c.ExpectFinished(await c.RunOnceAsync("flaky", ct), "the faulted first run");
        var converged = await c.ConvergeAsync("flaky", start, ct);
        c.Control.SetFaults("acumatica", new FaultSettings());
        c.Control.SetFaults("zendesk", new FaultSettings());
        return converged;
    }

    private static async Task<TimeSpan?> TokensExpireAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("expiry", customers: 40), ct);
        var start = c.Elapsed;
        var run = await RunWhileAsync(c, "expiry", TimeSpan.FromSeconds(1), _ =>
        {
            c.Control.ExpireAcumaticaAccessTokens("expiry");
            c.Control.ExpireZendeskAccessTokens("expiry");
            c.Injected("token expiries (both systems)");
        }, ct);
        c.ExpectFinished(run, "the run whose tokens expired");
        var grants = c.Control.ZendeskGrantsIssued("expiry");
        var issued = string.Join(", ", grants.Select(g => $"{g.Key} {g.Value}"));
        _ = ScenarioRunner.ZendeskAuthorizationChoice() == ZendeskAuthorization.AuthorizationCode
            ? c.Check(grants.GetValueOrDefault("authorization_code") == 1 && grants.GetValueOrDefault("refresh_token") >= 1,
                $"Zendesk: one consent, then refresh tokens as the access tokens expired ({issued})")
            : c.Check(grants.GetValueOrDefault("client_credentials") >= 2, $"Zendesk: new client-credentials tokens as the access tokens expired ({issued})");
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
        c.ExpectFinished(c.Summarize(await c.Connector.WaitForRunAsync(bystanderRun, ScenarioContext.RunTimeout, ct)), "the bystander's run");

        var tenants = c.Connector.WorkerServices.GetRequiredService<TenantRepository>();
        var marked = await tenants.GetAsync("revoked", ct);
        c.Check(revoked is { Outcome: SyncRunOutcome.Failed }, $"the revoked tenant's run failed (was {revoked?.Outcome})");
        c.Check(marked?.Authorization?.NeedsAuthorization == true, $"the revoked tenant is marked needs-authorization ({marked?.Authorization?.Reason})");
        var bystander = await c.ConvergeAsync("bystander", start, ct);
        if (!c.Check(bystander is not null, "the bystander converged while the other waited") || marked is null)
        {
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
            t => t with { Acumatica = t.Acumatica with { AuthMode = AcumaticaSignIn.Cookie } });
        c.Control.GetAcumaticaSettings("loginlimit").MaxApiSessions = 1;
        using (var http = new HttpClient())
        {
            var login = new StringContent(
                JsonSerializer.Serialize(
                    new { name = DemoCredentials.AcumaticaUser, password = DemoCredentials.AcumaticaPassword, tenant = DemoCredentials.AcumaticaTenant }),
                Encoding.UTF8,
                "application/json");
            using var taken = await http.PostAsync(new Uri(tenant.Acumatica.InstanceUrl.TrimEnd('/') + "/entity/auth/login"), login, ct);
            if (!c.Check(taken.StatusCode == HttpStatusCode.NoContent, $"another client took the only API session ({(int)taken.StatusCode})"))
            {
                return null;
            }
        }

        var start = c.Elapsed;
        var instance = await c.StartRunAsync("loginlimit", ct);
        while (c.Control.Requests.StatusCounts().GetValueOrDefault("acumatica 429") == 0)
        {
            await Task.Delay(20, ct);
        }

        // The other client signs out; the run's own retry (workflow activity retry) then signs in and goes on.
        c.Control.ClearSessions("loginlimit");
        c.ExpectFinished(c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct)), "the run that met the limit");
        var converged = await c.ConvergeAsync("loginlimit", start, ct);
        var open = c.Control.OpenSessions("loginlimit");
        c.Check(open <= 1, $"API sessions left open after the runs: {open} (at most the licence's 1)");
        return converged;
    }

    private static async Task<TimeSpan?> VersionRemovedAsync(ScenarioContext c, CancellationToken ct)
    {
        var tenant = await c.AddTenantAsync(ScenarioContext.Dataset("upgrade"), ct);
        if (!c.Check(await c.ConvergeAsync("upgrade", c.Elapsed, ct) is not null, "the first load converged before the upgrade"))
        {
            return null;
        }

        c.Control.RemoveEndpointVersion("upgrade", "24.200.001");
        foreach (var code in AccountCodes(c.Control, "upgrade", "Customer").Take(5))
        {
            c.Control.RenameAccount("upgrade", code, $"Renamed after upgrade {code}");
        }

        var start = c.Elapsed;
        var failed = await c.RunOnceAsync("upgrade", ct);
        var during = c.Reconcile("upgrade");
        c.ExpectFailedClearly(failed, "the run against the removed version", "endpointVersion");
        c.Check(during.Lost == 0 && during.Duplicates == 0, $"nothing lost or doubled while failing (lost {during.Lost}, dupes {during.Duplicates})");
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
        }

        c.ExpectFinished(c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct)), "the interrupted run");
        return await c.ConvergeAsync("killed", start, ct);
    }

    private static async Task<TimeSpan?> DuplicateCronAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("cron"), ct);
        var start = c.Elapsed;
        var ticks = await Task.WhenAll(c.Connector.Apps.TriggerSyncCronAsync(ct), c.Connector.Apps.TriggerSyncCronAsync(ct));
        c.Injected(CronTriggers, ticks.Count(t => t.Status == HttpStatusCode.OK));
        var outcomes = ticks.Select(t => JsonSerializer.Deserialize<CronTickReport>(t.Body, Web)!)
            .SelectMany(r => r.Tenants).Where(t => t.TenantId == "cron").ToList();
        var scheduled = outcomes.Where(o => o.Outcome == ScheduleOutcome.Scheduled).ToList();
        if (!c.Check(scheduled.Count == 1, $"one run scheduled for the slot (cron outcomes: {string.Join(", ", outcomes.Select(o => o.Outcome))})"))
        {
            return null;
        }

        c.CountRun();
        c.ExpectFinished(c.Summarize(await c.Connector.WaitForRunAsync(scheduled[0].InstanceId!, ScenarioContext.RunTimeout, ct)), "the scheduled run");
        return await c.ConvergeAsync("cron", start, ct);
    }

    private static async Task<TimeSpan?> ChangedWhilePagingAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("paging", customers: 40, vendors: 10), ct);
        var codes = AccountCodes(c.Control, "paging", "Customer");
        var start = c.Elapsed;
        var run = await RunWhileAsync(c, "paging", TimeSpan.FromMilliseconds(120), i =>
        {
            var code = codes[Random.Shared.Next(codes.Count)];
            c.Control.RenameAccount("paging", code, $"Moved {code} #{i}");
            if (i % 3 == 0)
            {
                c.Control.AddCustomer("paging", $"NEW{i:D4}", $"Added while paging {i}", $"new{i}@paging.example");
            }
        }, ct);
        c.ExpectFinished(run, "the run paging through the changes");

        // The changes as Acumatica holds them (not as the loop meant them).
        var customers = c.Control.AcumaticaRecords("paging", "Customer").OfType<JsonObject>().ToList();
        c.Injected(RenamedWhilePaging, customers.Count(r => r["CustomerName"]?["value"]?.ToString().StartsWith("Moved ", StringComparison.Ordinal) == true));
        c.Injected(AddedWhilePaging, customers.Count(r => r["CustomerID"]?["value"]?.ToString().StartsWith("NEW", StringComparison.Ordinal) == true));
        return await c.ConvergeAsync("paging", start, ct);
    }

    private static async Task<TimeSpan?> TiesAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("ties", customers: 60, vendors: 12, tieGroupSize: 40), ct);
        var start = c.Elapsed;
        c.ExpectFinished(await c.RunOnceAsync("ties", ct), "the first run over the tie groups");
        if (!c.Check(await c.ConvergeAsync("ties", start, ct) is not null, "the first load converged"))
        {
            return null;
        }

        var touched = AccountCodes(c.Control, "ties", "Customer").Take(30).ToList();
        c.Control.TouchRecords("ties", "Customer", touched, "Status", "On Hold");
        var stamps = c.Control.AcumaticaRecords("ties", "Customer").OfType<JsonObject>()
            .Where(r => touched.Contains(r["CustomerID"]?["value"]?.ToString().Trim() ?? "", StringComparer.OrdinalIgnoreCase))
            .GroupBy(r => r["LastModifiedDateTime"]?["value"]?.ToString()).Select(g => g.Count()).ToList();
        c.Note($"touched accounts by LastModifiedDateTime as Acumatica answers it: {string.Join(", ", stamps)}");
        c.Injected(TouchedWithOneTimestamp, stamps.Max() is var tied and >= 2 ? tied : 0);
        c.ExpectFinished(await c.RunOnceAsync("ties", ct), "the run over the touched accounts");
        var converged = await c.ConvergeAsync("ties", start, ct);
        var organizations = c.Control.Organizations("ties").OfType<JsonObject>()
            .Where(o => touched.Contains(o["external_id"]?.ToString() ?? "", StringComparer.OrdinalIgnoreCase)).ToList();
        var missed = touched.Count - organizations.Count(o => o["tags"]!.AsArray().Any(t => t!.ToString().Contains("hold", StringComparison.Ordinal)));
        c.Check(missed == 0, $"every touched account's status change landed ({missed} did not)");
        return converged;
    }

    private static async Task<TimeSpan?> BulkJobExpiresAsync(ScenarioContext c, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset("jobs"), ct);
        var settings = c.Control.GetZendeskSettings("jobs");
        settings.JobExpiry = TimeSpan.Zero;
        var start = c.Elapsed;
        var instance = await c.StartRunAsync("jobs", ct);

        // Only the first job's status is gone when it is read (a real account keeps them for an hour).
        while (c.Control.Requests.StatusCounts().GetValueOrDefault("zendesk 404") == 0)
        {
            await Task.Delay(20, ct);
        }

        settings.JobExpiry = TimeSpan.FromHours(1);
        c.ExpectFinished(c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct)), "the run whose job status was gone");
        return await c.ConvergeAsync("jobs", start, ct);
    }

    /// <summary>
    /// Starts a run and calls <paramref name="tick"/> every <paramref name="interval"/> until it ends; returns the run's
    /// summary. An exception of a tick fails the scenario (it is thrown here once the run ended).
    /// </summary>
    private static async Task<SyncRunSummary?> RunWhileAsync(ScenarioContext c, string tenantId, TimeSpan interval, Action<int> tick, CancellationToken ct)
    {
        var instance = await c.StartRunAsync(tenantId, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                try
                {
                    await Task.Delay(interval, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }

                tick(i);
            }
        }, CancellationToken.None);
        SyncRunSummary? summary;
        try
        {
            summary = c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct));
        }
        finally
        {
            await stop.CancelAsync();
        }

        await loop;
        return summary;
    }

    private static List<string> AccountCodes(SandboxControl control, string instance, string entity) =>
        [.. control.AcumaticaRecords(instance, entity).Select(r => r![$"{entity}ID"]!["value"]!.ToString().Trim())];
}
