using AcumaticaZendesk.Connectors.IntegrationTests.Answers;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Testing.VendorSpecs;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

/// <summary>
/// The demo tenant of <c>make run</c> against the in-process sandbox (<c>--seed demo</c>): the same settings and
/// secret names the worker's seed uses, so this proves the demo configuration end to end.
/// </summary>
public sealed class SandboxDemoTests(Specs specs)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_demo_tenant_loads_the_demo_dataset_through_both_adapters_and_a_second_run_writes_nothing()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", Seed = "demo" }, _ct);
        using var host = SandboxDemo.Host();
        await SandboxDemo.SaveTenantAsync(host, sandbox, _ct);

        var first = await RunAsync(host, "run-1");
        var orgs = sandbox.Control.Organizations("demo").Select(o => o!["external_id"]?.ToString()).OfType<string>().ToArray();
        var users = sandbox.Control.Users("demo").Select(u => u!["external_id"]?.ToString()).OfType<string>().ToArray();
        var second = await RunAsync(host, "run-2");

        Assert.Equal(0, first.Values.Sum(r => r.Counts.Failed));
        Assert.Empty(await host.Get<FailedRecordQueue>().ListAsync("demo", _ct));
        var accounts = sandbox.Control.AcumaticaRecords("demo", "Customer").Select(c => c!["CustomerID"]!["value"]!.ToString())
            .Union(sandbox.Control.AcumaticaRecords("demo", "Vendor").Select(v => v!["VendorID"]!["value"]!.ToString())).ToArray();
        Assert.Equal(accounts.Length + 1, orgs.Length); // every business account once, plus the company's own organization
        Assert.Contains("acu-company:Company", orgs, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(
            sandbox.Control.AcumaticaCount("demo", "Contact") + sandbox.Control.AcumaticaCount("demo", "Employee"),
            users.Count(u => u.StartsWith("acu-contact:", StringComparison.Ordinal) || u.StartsWith("acu-employee:", StringComparison.Ordinal)));
        Assert.All(second.Values, r => Assert.Equal((0, 0, 0), (r.Counts.Created, r.Counts.Updated, r.Counts.Failed)));
    }

    /// <summary>
    /// Every answer the sandbox gives the connector's clients in a demo run, a run after changes (updates, a new email
    /// identity), refusals the clients retry (a 429 from each) and a record that is gone (the no-entity
    /// 500) is what the vendors' OpenAPI documents declare for that route and status, or the documented shape where they
    /// declare none (docs/sandbox.md, "Every answer validated").
    /// </summary>
    [Fact]
    public async Task Every_answer_the_clients_receive_in_demo_runs_fits_the_vendors_specs()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", Seed = "demo" }, _ct);
        var recorder = new AnswerRecorder();
        using var host = SandboxDemo.Host(recorder.AddTo);
        var tenant = await SandboxDemo.SaveTenantAsync(host, sandbox, _ct);
        sandbox.Control.SetFaults("zendesk", new FaultSettings { FailNextCount = 1, FailNextStatus = 429, NextRequestContains = "/create_many" });
        sandbox.Control.SetFaults("acumatica", new FaultSettings { FailNextCount = 1, FailNextStatus = 429, NextRequestContains = "/Vendor" });

        var first = await RunAsync(host, "run-1");
        var customer = sandbox.Control.AcumaticaRecords("demo", "Customer")[0]!["CustomerID"]!["value"]!.ToString();
        var contact = sandbox.Control.AcumaticaRecords("demo", "Contact")[0]!["ContactID"]!["value"]!.ToString();
        sandbox.Control.RenameAccount("demo", customer, "Renamed For The Contract Test");
        sandbox.Control.ChangeEmail("demo", "Contact", contact, "renamed.contact@contract.example");
        var second = await RunAsync(host, "run-2");
        var gone = await host.Get<IAcumaticaSource>().GetByKeysAsync(tenant, EntityKind.Customer, ["NO-SUCH-CUSTOMER"], _ct);

        Assert.Equal(0, first.Values.Sum(r => r.Counts.Failed) + second.Values.Sum(r => r.Counts.Failed));
        Assert.True(second.Values.Sum(r => r.Counts.Updated) >= 2, "the second run updates the renamed account and the contact");
        Assert.Empty(gone);
        var answers = recorder.Answers.ToArray();
        Assert.Contains(answers, a => a.Status == 429 && a.Url.AbsolutePath.EndsWith("/create_many", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Status == 429 && a.Url.AbsolutePath.EndsWith("/Vendor", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Status == 500 && a.Body.Contains("NoEntitySatisfiesTheConditionException", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Url.AbsolutePath.Contains("/job_statuses/", StringComparison.Ordinal));
        Assert.Empty(answers.SelectMany(specs.Answer));
    }

    private Task<Dictionary<EntityKind, SyncPagesResult>> RunAsync(ConnectorHost host, string runId) =>
        EngineRuns.RunAsync(host.Get<ISyncEngine>(), "demo", runId, Enum.GetValues<EntityKind>(), _ct);
}
