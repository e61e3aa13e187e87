using System.Net;
using System.Text.Json;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Operator.IntegrationTests;

public sealed class RunAndRecordTests : IAsyncLifetime
{
    private OperatorHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await OperatorHost.StartAsync();
        await _host.AddTenantAsync(TestData.Tenant("contoso") with { Onboarding = OnboardingPolicy.CreateOnly, EntityKinds = [EntityKind.Customer] });
        await _host.AddTenantAsync(TestData.Tenant("fabrikam"));
        var t = _host.Time.GetUtcNow().AddHours(-1);
        _host.Acumatica.Upsert(TestData.Customer("C1", "Initrode", t));
        _host.Acumatica.Upsert(TestData.Customer("C2", "Hooli", t.AddMinutes(1)));
        _host.Acumatica.Upsert(TestData.Customer("C3", "Globex", t.AddMinutes(2)));
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    /// <summary>One page of the customer kind through the real engine, as the workflow would run it (with a hand-made clash on Hooli).</summary>
    private async Task<HandMadeClash> SyncWithClashAsync(string runId)
    {
        var clash = _host.Zendesk.AddHandMadeOrganization("Hooli");
        var engine = _host.Services.GetRequiredService<ISyncEngine>();
        await engine.SyncPagesAsync(new SyncPagesRequest("contoso", runId, EntityKind.Customer, 100), Ct);
        await _host.Services.GetRequiredService<RunStore>().CompleteAsync("contoso", runId, RunStatus.Completed, null, Ct);
        return new HandMadeClash(clash.Id);
    }

    private sealed record HandMadeClash(long Id);

    [Fact]
    public async Task Runs_list_and_show_with_counts_workflow_status_and_custom_status()
    {
        await SyncWithClashAsync("contoso-run-1");
        using var progress = JsonDocument.Parse("""{"kind":"customer","page":1,"created":2,"failed":1}""");
        _host.Workflows.Statuses["contoso-run-1"] = new WorkflowRunStatus(
            "contoso-run-1",
            "completed",
            _host.Time.GetUtcNow(),
            _host.Time.GetUtcNow(),
            progress.RootElement.Clone(),
            null);
        using var client = _host.Client();

        var list = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso/runs", Ct));
        var show = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso/runs/contoso-run-1", Ct));
        var records = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso/runs/contoso-run-1/records", Ct));

        Assert.Equal("contoso-run-1", Assert.Single(list.EnumerateArray()).GetProperty("runId").GetString());
        Assert.Equal("completed-with-failures", show.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(2, show.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal(1, show.GetProperty("totals").GetProperty("failed").GetInt32());
        Assert.Equal("completed", show.GetProperty("workflow").GetProperty("runtimeStatus").GetString());
        Assert.Equal(1, show.GetProperty("workflow").GetProperty("customStatus").GetProperty("page").GetInt32());
        Assert.Equal(3, records.GetArrayLength());
    }

    [Fact]
    public async Task A_run_of_another_tenant_is_not_found_even_when_the_workflow_engine_knows_it()
    {
        _host.Workflows.Statuses["fabrikam-run-1"] = new WorkflowRunStatus("fabrikam-run-1", "running", null, null, null, null);
        using var client = _host.Client();

        var response = await client.GetAsync("/operator/v1/tenants/contoso/runs/fabrikam-run-1", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Run_now_schedules_through_the_workflow_port_and_the_new_run_is_visible_at_once()
    {
        using var client = _host.Client(OperatorHost.ContosoKey);

        var response = await client.PostAsync("/operator/v1/tenants/contoso/runs", OperatorHost.JsonBody(new { reason = "customer asked" }), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await OperatorHost.ReadJsonAsync(response);
        var runId = body.GetProperty("runId").GetString()!;
        var (request, source, _) = Assert.Single(_host.Workflows.Scheduled);
        Assert.Equal(new RunRequest("contoso", "apikey:contoso-ops", "customer asked"), request);
        Assert.Null(source);
        var show = await OperatorHost.ReadJsonAsync(await client.GetAsync(body.GetProperty("location").GetString(), Ct));
        Assert.Equal("pending", show.GetProperty("workflow").GetProperty("runtimeStatus").GetString());
        Assert.Equal(runId, show.GetProperty("runId").GetString());
        Assert.Equal("running", show.GetProperty("run").GetProperty("status").GetString());
        var list = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso/runs", Ct));
        Assert.Equal(runId, Assert.Single(list.EnumerateArray()).GetProperty("runId").GetString());
    }

    [Fact]
    public async Task Run_now_is_refused_while_paused_or_while_a_run_is_in_progress()
    {
        using var client = _host.Client();
        _host.Workflows.Busy = true;
        var busy = await client.PostAsync("/operator/v1/tenants/contoso/runs", null, Ct);
        _host.Workflows.Busy = false;
        await client.PostAsync("/operator/v1/tenants/contoso/pause", null, Ct);
        var paused = await client.PostAsync("/operator/v1/tenants/contoso/runs", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Contains("in progress", (await OperatorHost.ReadJsonAsync(busy)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, paused.StatusCode);
        Assert.Empty(_host.Workflows.Scheduled);
    }

    [Fact]
    public async Task Rerun_passes_the_past_runs_window_per_kind()
    {
        await SyncWithClashAsync("contoso-run-1");
        var run = await _host.Services.GetRequiredService<RunStore>().GetAsync("contoso", "contoso-run-1", Ct);
        using var client = _host.Client();

        var response = await client.PostAsync("/operator/v1/tenants/contoso/runs/contoso-run-1/rerun", null, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (_, source, windows) = Assert.Single(_host.Workflows.Scheduled);
        Assert.Equal("contoso-run-1", source);
        var window = Assert.Single(windows!);
        Assert.Equal(new RerunWindow(EntityKind.Customer, run!.Kinds["customer"].FromWatermark, run.Kinds["customer"].ToWatermark), window);
        Assert.NotNull(window.To);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/operator/v1/tenants/contoso/runs/nope/rerun", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task Terminate_stops_the_workflow_and_marks_the_run_with_who_and_why()
    {
        var engine = _host.Services.GetRequiredService<ISyncEngine>();
        await engine.SyncPagesAsync(new SyncPagesRequest("contoso", "contoso-run-2", EntityKind.Customer, 2), Ct);
        using var client = _host.Client();

        var response = await client.PostAsync(
            "/operator/v1/tenants/contoso/runs/contoso-run-2/terminate",
            OperatorHost.JsonBody(new { reason = "wrong mapping" }),
            Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("contoso-run-2", "terminated by apikey:ops: wrong mapping"), Assert.Single(_host.Workflows.Terminated));
        var run = await _host.Services.GetRequiredService<RunStore>().GetAsync("contoso", "contoso-run-2", Ct);
        Assert.Equal(RunStatus.Terminated, run!.Status);
        Assert.Contains("terminated by apikey:ops: wrong mapping", run.Errors);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/operator/v1/tenants/contoso/runs/contoso-run-2/terminate", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task Audit_trail_by_key_and_by_Zendesk_id()
    {
        await SyncWithClashAsync("contoso-run-1");
        var initrode = _host.Zendesk.OrgByExternalId("C1");
        using var client = _host.Client();

        var byKey = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso/records/customer/C1", Ct));
        var byZendesk = await OperatorHost.ReadJsonAsync(await client.GetAsync($"/operator/v1/tenants/contoso/zendesk/organization/{initrode.Id}", Ct));
        var failed = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso/records/customer/C2", Ct));

        Assert.Equal("created", byKey.GetProperty("entries")[0].GetProperty("action").GetString());
        Assert.Equal(initrode.Id, byKey.GetProperty("zendeskId").GetInt64());
        Assert.Equal("C1", Assert.Single(byZendesk.EnumerateArray()).GetProperty("key").GetString());
        Assert.Equal("DuplicateValue", failed.GetProperty("entries")[0].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/operator/v1/tenants/contoso/records/customer/C404", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/operator/v1/tenants/contoso/records/planet/C1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/operator/v1/tenants/contoso/zendesk/ticket/1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/operator/v1/tenants/fabrikam/zendesk/organization/{initrode.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Failed_records_are_listed_and_replayed_after_the_cause_is_fixed()
    {
        var clash = await SyncWithClashAsync("contoso-run-1");
        using var client = _host.Client();

        var failed = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso/failed", Ct));
        Assert.Equal("C2", Assert.Single(failed.EnumerateArray()).GetProperty("key").GetString());

        var stillBroken = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/records/customer/C2/replay", null, Ct));
        Assert.Equal(1, stillBroken.GetProperty("failed").GetInt32());

        _host.Zendesk.Organizations[clash.Id].Name = "Hooli (hand-made)";
        var replay = await client.PostAsync("/operator/v1/tenants/contoso/failed/replay", OperatorHost.JsonBody(new { all = true }), Ct);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var result = await OperatorHost.ReadJsonAsync(replay);
        Assert.Equal(1, result.GetProperty("succeeded").GetInt32());
        Assert.Equal("Hooli", _host.Zendesk.OrgByExternalId("C2").Name);
        Assert.Empty(await _host.Services.GetRequiredService<FailedRecordQueue>().ListAsync("contoso", Ct));
        var runId = result.GetProperty("runId").GetString()!;
        var history = await _host.Services.GetRequiredService<AuditTrail>().GetAsync("contoso", EntityKind.Customer, "C2", Ct);
        Assert.Contains(history!.Entries, e => e.Action == AuditAction.Replayed && e.RunId == runId);
        var run = await _host.Services.GetRequiredService<RunStore>().GetAsync("contoso", runId, Ct);
        Assert.Equal(RunStatus.Completed, run!.Status);
    }

    [Fact]
    public async Task A_selection_is_replayed_and_a_bad_selection_names_the_field()
    {
        await SyncWithClashAsync("contoso-run-1");
        _host.Zendesk.Organizations.Values.Single(o => o.ExternalId is null).Name = "Hooli (old)";
        using var client = _host.Client();

        var both = await client.PostAsync(
            "/operator/v1/tenants/contoso/failed/replay",
            OperatorHost.JsonBody(new { all = true, records = new[] { new { kind = "customer", key = "C2" } } }),
            Ct);
        var noKey = await client.PostAsync(
            "/operator/v1/tenants/contoso/failed/replay",
            OperatorHost.JsonBody(new { records = new[] { new { kind = "customer", key = "" } } }),
            Ct);
        var badKind = await client.PostAsync(
            "/operator/v1/tenants/contoso/failed/replay",
            OperatorHost.JsonBody(new { records = new[] { new { kind = "planet", key = "C2" } } }),
            Ct);
        var selection = await client.PostAsync(
            "/operator/v1/tenants/contoso/failed/replay",
            OperatorHost.JsonBody(new { records = new[] { new { kind = "customer", key = "C2" } } }),
            Ct);

        Assert.True((await OperatorHost.ReadJsonAsync(both)).GetProperty("errors").TryGetProperty("records", out _));
        Assert.True((await OperatorHost.ReadJsonAsync(noKey)).GetProperty("errors").TryGetProperty("records[0].key", out _));
        Assert.Contains(
            (await OperatorHost.ReadJsonAsync(badKind)).GetProperty("errors").EnumerateObject(),
            p => p.Name.StartsWith("records[0]", StringComparison.Ordinal));
        Assert.Equal(1, (await OperatorHost.ReadJsonAsync(selection)).GetProperty("succeeded").GetInt32());
        Assert.Equal("Hooli", _host.Zendesk.OrgByExternalId("C2").Name);
    }
}
