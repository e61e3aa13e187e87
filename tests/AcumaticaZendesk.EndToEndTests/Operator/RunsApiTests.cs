using System.Net;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.EndToEndTests.Operator;

/// <summary>Runs through the real worker's operator API: run now, show (progress, counts), list, terminate; 401 without a key.</summary>
public sealed class RunsApiTests : OperatorTestBase
{
    private static SeedSpec Small => Spec(customers: 6);

    private static SeedSpec Spec(int customers, int vendors = 2, int contacts = 1, int employees = 1) =>
        new() { Instance = "acme", Subdomain = "acme", Customers = customers, Vendors = vendors, ContactsPerAccount = contacts, Employees = employees };

    [Fact]
    public async Task Calls_without_a_valid_key_get_401_and_start_nothing()
    {
        await CreateTenantAsync("acme", Small);
        var anonymous = new OperatorClient(Connector.Apps.SyncWorker, apiKey: null);
        var wrongKey = new OperatorClient(Connector.Apps.SyncWorker, apiKey: "not-the-operator-key-0123456789");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Get, "/tenants/acme/runs", null, Token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Post, "/tenants/acme/runs", new { reason = "x" }, Token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.SendAsync(HttpMethod.Post, "/tenants/acme/runs", new { reason = "x" }, Token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.SendAsync(HttpMethod.Post, "/tenants/acme/check", null, Token)).Status);

        var runs = await Ops.GetAsync("/tenants/acme/runs", Token);
        Assert.Empty(runs.AsArray());
        Assert.DoesNotContain(Connector.Control.Organizations("acme"), o => o!["external_id"] is not null);
    }

    [Fact]
    public async Task Run_now_is_shown_with_its_counts_and_listed()
    {
        await CreateTenantAsync("acme", Small);

        var runId = await Ops.RunNowAsync("acme", "first load", Token);
        var view = await Ops.WaitForRunAsync("acme", runId, RunTimeout, Token);

        Assert.Equal("completed", OperatorClient.WorkflowStatus(view), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("completed", OperatorClient.RunStatus(view), StringComparer.OrdinalIgnoreCase);
        var organizations = Connector.Control.Organizations("acme")
            .Count(o => o!["external_id"] is not null && !((string)o["external_id"]!).StartsWith("acu-company:", StringComparison.Ordinal));
        var users = Connector.Control.Users("acme").Count(u => ((string?)u!["external_id"])?.StartsWith("acu-", StringComparison.Ordinal) == true);
        Assert.True(organizations > 0 && users > 0);
        Assert.Equal(organizations + users, OperatorClient.Total(view, "created"));
        Assert.Equal(0, OperatorClient.Total(view, "failed"));
        Assert.True(OperatorClient.Total(view, "read") >= organizations + users, view.ToJsonString());
        // Progress per kind: what was read, and a finished kind's window is 100 %.
        var progress = view["progress"]!.AsArray();
        Assert.NotEmpty(progress);
        Assert.All(progress, k => Assert.Equal(100, (double?)k!["percent"]));
        Assert.Equal(OperatorClient.Total(view, "read"), progress.Sum(k => (int)k!["progress"]!["counts"]!["read"]!));

        var second = await Ops.RunNowAsync("acme", "nothing changed", Token);
        var unchanged = await Ops.WaitForRunAsync("acme", second, RunTimeout, Token);
        Assert.Equal(0, OperatorClient.Total(unchanged, "created"));

        var list = (await Ops.GetAsync("/tenants/acme/runs", Token)).AsArray();
        var ids = list.Select(r => (string)r!["runId"]!).ToList();
        Assert.Equal([second, runId], ids.Take(2));
    }

    [Fact]
    public async Task A_running_run_is_terminated_through_the_api()
    {
        await CreateTenantAsync("acme", Spec(customers: 30));
        Connector.Control.SetFaults("acumatica", new() { LatencyMs = 400 });

        var runId = await Ops.RunNowAsync("acme", "slow", Token);
        var running = await Ops.GetAsync($"/tenants/acme/runs/{runId}", Token);
        Assert.Contains(OperatorClient.WorkflowStatus(running), new[] { "pending", "running" });

        var terminated = await Ops.PostAsync($"/tenants/acme/runs/{runId}/terminate", new { reason = "wrong mapping" }, HttpStatusCode.OK, Token);
        Assert.Equal("terminated", OperatorClient.RunStatus(terminated), StringComparer.OrdinalIgnoreCase);
        Connector.Control.SetFaults("acumatica", new());

        var final = await Ops.WaitForRunAsync("acme", runId, RunTimeout, Token);
        Assert.Equal("terminated", OperatorClient.WorkflowStatus(final), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("terminated", OperatorClient.RunStatus(final), StringComparer.OrdinalIgnoreCase);
        var again = await Ops.SendAsync(HttpMethod.Post, $"/tenants/acme/runs/{runId}/terminate", new { reason = "twice" }, Token);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);

        // The tenant is free again: the next run starts and finishes.
        var next = await RunAsync("acme", "after terminate");
        Assert.Equal("completed", OperatorClient.WorkflowStatus(next), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_long_initial_load_shows_progress_while_it_runs()
    {
        await CreateTenantAsync("acme", Spec(customers: 140, vendors: 0, contacts: 0, employees: 0));
        Connector.Control.SetFaults("acumatica", new() { LatencyMs = 150 });
        var progress = new List<JsonNode>();

        var runId = await Ops.RunNowAsync("acme", "initial load", Token);
        var final = await Ops.WaitForRunAsync("acme", runId, RunTimeout, Token, view =>
        {
            if (string.Equals(OperatorClient.WorkflowStatus(view), "running", StringComparison.OrdinalIgnoreCase)
                && view["workflow"]?["customStatus"] is { } status)
            {
                progress.Add(view.DeepClone());
            }
        });

        Assert.Equal("completed", OperatorClient.RunStatus(final), StringComparer.OrdinalIgnoreCase);
        Assert.NotEmpty(progress);
        // While it ran, the custom status named the kind being read and counted what was done so far, and the
        // counts grew without ever exceeding the final ones. 140 customers in pages of 25 are more pages than one
        // activity call syncs (Sync:Throughput:PagesPerBatch, 4), so the run is seen between calls too.
        var total = OperatorClient.Total(final, "created");
        Assert.Equal(Connector.Control.Organizations("acme").Count(o => o!["external_id"] is not null), total);
        var mid = progress.Where(p => OperatorClient.Total(p, "created") > 0 && OperatorClient.Total(p, "created") < total).ToList();
        Assert.True(mid.Count > 0, string.Join("\n", progress.Select(p => p.ToJsonString())));
        var custom = mid[0]["workflow"]!["customStatus"]!;
        Assert.Equal("Customer", (string?)custom["currentKind"]);
        // The run record counts every committed page; the custom status counts finished activity calls (each up to
        // Sync:Throughput:PagesPerBatch pages), so it may lag behind it but never runs ahead.
        Assert.InRange((int)custom["progress"]!["created"]!, 0, OperatorClient.Total(mid[0], "created"));
        Assert.InRange((int)custom["progress"]!["pages"]!, 0, OperatorClient.Total(mid[0], "pages"));
        var created = progress.Select(p => OperatorClient.Total(p, "created")).ToList();
        Assert.Equal(created.Order(), created);
    }
}
