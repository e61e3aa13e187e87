using System.Net;
using System.Text;
using System.Text.Json;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Operator.IntegrationTests;

public sealed class TenantTests : IAsyncLifetime
{
    private OperatorHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await OperatorHost.StartAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Create_then_show_then_update()
    {
        using var client = _host.Client();

        var created = await client.PostAsync("/operator/v1/tenants", OperatorHost.JsonBody(TestData.Tenant("contoso") with { Schedule = "@every 15m" }), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(
            HttpStatusCode.Conflict,
            (await client.PostAsync("/operator/v1/tenants", OperatorHost.JsonBody(TestData.Tenant("contoso")), Ct)).StatusCode);

        var show = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso", Ct));
        Assert.Equal("active", show.GetProperty("status").GetString());
        Assert.Equal("@every 15m", show.GetProperty("schedule").GetString());
        Assert.False(show.GetProperty("needsAuthorization").GetBoolean());
        Assert.Equal(
            ["customer", "vendor", "contact", "employee"],
            show.GetProperty("watermarks").EnumerateArray().Select(w => w.GetProperty("kind").GetString()));
        Assert.All(show.GetProperty("connections").EnumerateArray(), c => Assert.False(c.GetProperty("connected").GetBoolean()));

        var update = TestData.Tenant("contoso") with { DisplayName = "Contoso Europe", EntityKinds = [EntityKind.Customer, EntityKind.Contact] };
        var updated = await client.PutAsync("/operator/v1/tenants/contoso", OperatorHost.JsonBody(update), Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var stored = await _host.Services.GetRequiredService<TenantRepository>().GetRequiredAsync("contoso", Ct);
        Assert.Equal("Contoso Europe", stored.DisplayName);
        Assert.Equal([EntityKind.Customer, EntityKind.Contact], stored.EntityKinds);
    }

    [Fact]
    public async Task Validation_errors_are_problem_details_naming_each_field()
    {
        using var client = _host.Client();
        var bad = TestData.Tenant("contoso") with
        {
            Acumatica = TestData.Tenant().Acumatica with { InstanceUrl = "http://erp.example.com", EndpointVersion = "24.2" },
            Schedule = "every now and then",
            Mapping = new MappingOptions { Organization = [new FieldMapping("field:CreditLimit", "organization_fields.limit")] },
        };

        var response = await client.PostAsync("/operator/v1/tenants", OperatorHost.JsonBody(bad), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await OperatorHost.ReadJsonAsync(response)).GetProperty("errors");
        var fields = errors.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Contains("acumatica.instanceUrl", fields);
        Assert.Contains("acumatica.endpointVersion", fields);
        Assert.Contains("schedule", fields);
        Assert.Contains("mapping.organization[0].source", fields);
        Assert.Contains("finance", errors.GetProperty("mapping.organization[0].source")[0].GetString(), StringComparison.Ordinal);
        Assert.Null(await _host.Services.GetRequiredService<TenantRepository>().GetAsync("contoso", Ct));
    }

    [Fact]
    public async Task Malformed_bodies_name_the_missing_or_broken_field()
    {
        using var client = _host.Client();

        var missing = await client.PostAsync("/operator/v1/tenants",
            new StringContent(
                """
                {
                  "id": "contoso",
                  "acumatica": {
                    "instanceUrl": "https://erp.example.com",
                    "endpointVersion": "24.200.001",
                    "company": "C"
                  },
                  "zendesk": {
                    "subdomain": "c"
                  }
                }
                """,
                Encoding.UTF8,
                "application/json"), Ct);
        var wrongType = await client.PostAsync("/operator/v1/tenants",
            new StringContent(
                """
                {
                  "id": "contoso",
                  "displayName": "C",
                  "acumatica": {
                    "instanceUrl": "https://erp.example.com",
                    "endpointVersion": "24.200.001",
                    "company": "C"
                  },
                  "zendesk": {
                    "subdomain": "c"
                  },
                  "entityKinds": [
                    "customer",
                    "planet"
                  ]
                }
                """,
                Encoding.UTF8,
                "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await OperatorHost.ReadJsonAsync(missing)).GetProperty("errors").TryGetProperty("displayName", out _));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains(
            (await OperatorHost.ReadJsonAsync(wrongType)).GetProperty("errors").EnumerateObject(),
            p => p.Name.StartsWith("entityKinds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Put_refuses_a_different_id_and_keeps_the_authorization_state()
    {
        using var client = _host.Client();
        await _host.AddTenantAsync(TestData.Tenant("contoso"));
        await _host.Services.GetRequiredService<TenantRepository>().MarkNeedsAuthorizationAsync("contoso", ConnectedSystem.Zendesk, "token revoked", Ct);

        var renamed = await client.PutAsync("/operator/v1/tenants/contoso", OperatorHost.JsonBody(TestData.Tenant("contoso-2")), Ct);
        var sneaky = await client.PutAsync(
            "/operator/v1/tenants/contoso",
            OperatorHost.JsonBody(TestData.Tenant("contoso") with { Authorization = null, DisplayName = "New" }),
            Ct);

        Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        Assert.True((await OperatorHost.ReadJsonAsync(renamed)).GetProperty("errors").TryGetProperty("id", out _));
        Assert.Equal(HttpStatusCode.OK, sneaky.StatusCode);
        var show = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso", Ct));
        Assert.Equal("needs-authorization", show.GetProperty("status").GetString());
        Assert.Equal("zendesk", show.GetProperty("authorization").GetProperty("system").GetString());
    }

    [Fact]
    public async Task Pause_and_resume_change_whether_the_tenant_is_runnable()
    {
        using var client = _host.Client();
        await _host.AddTenantAsync(TestData.Tenant("contoso"));
        var directory = _host.Services.GetRequiredService<ITenantDirectory>();

        var paused = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/pause", null, Ct));
        Assert.Equal("paused", paused.GetProperty("status").GetString());
        Assert.Empty(await directory.ListRunnableTenantIdsAsync(Ct));

        var resumed = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/resume", null, Ct));
        Assert.Equal("active", resumed.GetProperty("status").GetString());
        Assert.Equal(["contoso"], await directory.ListRunnableTenantIdsAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/operator/v1/tenants/nobody/pause", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_watermark_reset_is_recorded_with_who_and_why_and_shown_in_the_history()
    {
        await _host.AddTenantAsync(TestData.Tenant("contoso"));
        var checkpoints = _host.Services.GetRequiredService<CheckpointStore>();
        var before = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await checkpoints.TryCommitAsync("contoso", EntityKind.Customer, new PageCheckpoint { Watermark = before, InitialLoadCompleted = true }, null, Ct);
        using var client = _host.Client(OperatorHost.ContosoKey);
        var target = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

        var response = await client.PostAsync("/operator/v1/tenants/contoso/watermarks/customer/reset",
            OperatorHost.JsonBody(new { watermark = target, reason = "records deleted by hand in Zendesk" }), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (checkpoint, _) = await checkpoints.GetAsync("contoso", EntityKind.Customer, Ct);
        Assert.Equal(target, checkpoint!.Watermark);
        var history = await checkpoints.GetHistoryAsync("contoso", EntityKind.Customer, Ct);
        var change = Assert.Single(history);
        Assert.Equal("apikey:contoso-ops", change.By);
        Assert.Equal("records deleted by hand in Zendesk", change.Reason);
        Assert.Equal(before, change.From);
        Assert.Equal(target, change.To);

        var show = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso", Ct));
        var customer = show.GetProperty("watermarks").EnumerateArray().Single(w => w.GetProperty("kind").GetString() == "customer");
        Assert.Equal("apikey:contoso-ops", customer.GetProperty("history")[0].GetProperty("by").GetString());
    }

    [Theory]
    [InlineData("customer", """{"watermark":null}""", "reason")]
    [InlineData("customer", """{"watermark":null,"reason":"  "}""", "reason")]
    [InlineData("planet", """{"reason":"x"}""", "kind")]
    [InlineData("customer", """{"watermark":"yesterday","reason":"x"}""", "watermark")]
    public async Task A_watermark_reset_without_a_reason_or_with_a_bad_kind_names_the_field(string kind, string body, string field)
    {
        await _host.AddTenantAsync(TestData.Tenant("contoso"));
        using var client = _host.Client();

        var response = await client.PostAsync(
            $"/operator/v1/tenants/contoso/watermarks/{kind}/reset",
            new StringContent(body, Encoding.UTF8, "application/json"),
            Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await OperatorHost.ReadJsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(await _host.Services.GetRequiredService<CheckpointStore>().GetHistoryAsync("contoso", EntityKind.Customer, Ct));
    }

    [Fact]
    public async Task Show_includes_the_last_run_and_the_failed_count()
    {
        await _host.AddTenantAsync(TestData.Tenant("contoso"));
        var runs = _host.Services.GetRequiredService<RunStore>();
        await runs.RecordPageAsync(
            "contoso",
            "contoso-run-1",
            false,
            EntityKind.Customer,
            new SyncPagesResult(EntityKind.Customer, new SyncCounts(1, 3, 2, 1, 0, 0, 0), false, null),
            null,
            0,
            true,
            Ct);
        await _host.Services.GetRequiredService<FailedRecordQueue>().EnqueueAsync("contoso",
            [
                new FailedRecord(
                    EntityKind.Customer,
                    "C9",
                    "contoso-run-1",
                    _host.Time.GetUtcNow(),
                    _host.Time.GetUtcNow(),
                    1,
                    new WriteError(WriteErrorKind.DuplicateValue, "DuplicateValue", "taken"))], Ct);
        using var client = _host.Client();

        var show = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso", Ct));

        Assert.Equal("contoso-run-1", show.GetProperty("lastRun").GetProperty("runId").GetString());
        Assert.Equal(1, show.GetProperty("failedRecords").GetInt32());
        Assert.Equal(JsonValueKind.Object, show.GetProperty("config").ValueKind);
    }
}
