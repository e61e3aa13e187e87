using System.Text.Json.Nodes;
using AcumaticaZendesk.Acumatica.Activities;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Connectors.IntegrationTests.Answers;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Tickets;
using AcumaticaZendesk.Testing.VendorSpecs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

/// <summary>
/// The ticket flow's answers (docs/sandbox.md, "Every answer validated"): every answer the clients receive while the
/// worker's own ticket services apply tickets — by webhook and by the incremental export — is what the vendors' OpenAPI
/// documents declare for that route and status, or the documented shape where they declare none.
/// </summary>
public sealed class TicketFlowAnswerTests(Specs specs)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_answer_the_clients_receive_in_the_ticket_flow_fits_the_vendors_specs()
    {
        var sandboxTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sandbox = await SandboxHost.StartAsync(
            new SandboxOptions { Urls = "http://127.0.0.1:0", Seed = "demo", TimeProvider = sandboxTime },
            _ct);
        var recorder = new AnswerRecorder();
        using var host = SandboxDemo.Host(services =>
        {
            recorder.AddTo(services);
            services.AddTicketFlow();
            services.RemoveAll<EarlySyncTrigger>(); // the worker's scheduling, not needed to apply tickets
        });
        var tenant = await SandboxDemo.SaveTenantAsync(host, sandbox, _ct);
        var control = sandbox.Control;
        var flow = host.Get<TicketContextService>();
        var customers = control.AcumaticaRecords("demo", "Customer").Select(c => c!["CustomerID"]!["value"]!.ToString()).ToHashSet(StringComparer.Ordinal);
        var vendorOnly = control.AcumaticaRecords("demo", "Vendor").Select(v => v!["VendorID"]!["value"]!.ToString()).First(v => !customers.Contains(v));

        // A customer's ticket: created, solved (the activity is updated), and a twin found beside it is removed.
        var onCustomer = control.OpenTicket("demo", Organization(control, customers.First()), "Printer on fire");
        Assert.Equal(TicketContextOutcome.Created, (await flow.ApplyAsync("demo", onCustomer, "webhook-1", _ct)).Outcome);
        sandboxTime.Advance(TimeSpan.FromMinutes(1));
        control.SolveTicket("demo", onCustomer, "Replaced the fuser.");
        control.AddActivity("demo", new JsonObject
        {
            ["Summary"] = AcumaticaActivityMarker.ForZendeskTicket("demo", onCustomer).Text + " Printer on fire [new]",
            ["Type"] = "M",
        });
        Assert.Equal(TicketContextOutcome.Updated, (await flow.ApplyAsync("demo", onCustomer, "webhook-2", _ct)).Outcome);

        // A vendor-only account (its Customer lookup answers the no-entity 500), an unlinked organization, a ticket that is gone.
        var onVendor = control.OpenTicket("demo", Organization(control, vendorOnly), "Delivery late");
        Assert.Equal(TicketContextOutcome.Created, (await flow.ApplyAsync("demo", onVendor, "webhook-3", _ct)).Outcome);
        var unlinked = control.OpenTicket("demo", (long)control.CreateOrganization("demo", new JsonObject { ["name"] = "No Link Inc" })["id"]!, "Invoice?");
        Assert.Equal(TicketContextOutcome.Skipped, (await flow.ApplyAsync("demo", unlinked, "webhook-4", _ct)).Outcome);
        Assert.Equal(TicketContextOutcome.Skipped, (await flow.ApplyAsync("demo", 987_654_321, "webhook-5", _ct)).Outcome);

        // A twin another writer removed already (DELETE of a missing record), then the export pass of a run.
        var acumatica = await host.Get<TenantClients>().AcumaticaAsync(tenant, _ct);
        await acumatica.DeleteActivityAsync(Guid.NewGuid(), _ct);
        var export = await host.Get<TicketExportPass>().RunAsync("demo", "run-1", _ct);

        Assert.True(export.Read >= 3, $"the export reads the tickets created above (read {export.Read})");
        var answers = recorder.Answers.ToArray();
        Assert.Contains(answers, a => a.Method == "GET" && a.Url.AbsolutePath.Contains("/incremental/tickets/cursor", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Status == 404 && a.Url.AbsolutePath.Contains("/tickets/987654321", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Status == 200 && a.Url.AbsolutePath.EndsWith("/comments", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Method == "PUT" && a.Url.AbsolutePath.EndsWith("/Activity", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Method == "DELETE" && a.Status == 204);
        Assert.Contains(answers, a => a.Method == "DELETE" && a.Status == 500);
        Assert.Contains(answers, a => a.Status == 500 && a.Url.AbsolutePath.Contains("/Customer/", StringComparison.Ordinal));
        Assert.Empty(answers.SelectMany(specs.Answer));
    }

    [Fact]
    public async Task Every_answer_of_a_cookie_signed_in_run_fits_the_vendors_specs()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", Seed = "demo" }, _ct);
        var recorder = new AnswerRecorder();
        using var host = SandboxDemo.Host(recorder.AddTo);
        await SandboxDemo.SaveTenantAsync(host, sandbox, _ct, AcumaticaSignIn.Cookie);

        var first = await EngineRuns.RunAsync(host.Get<ISyncEngine>(), "demo", "run-1", [EntityKind.Customer], _ct);

        // The integration user's password is changed in the secret store (the old one revoked): the next run signs in
        // with the new one, is refused, and the tenant is marked for an operator instead of reusing the old session.
        host.Secrets.Values[SecretNames.AcumaticaPassword("demo")] = "not-the-password";
        await Record.ExceptionAsync(() => EngineRuns.RunAsync(host.Get<ISyncEngine>(), "demo", "run-2", [EntityKind.Customer], _ct));

        Assert.Equal(0, first.Values.Sum(r => r.Counts.Failed));
        Assert.True((await host.Get<TenantRepository>().GetAsync("demo", _ct))!.Authorization?.NeedsAuthorization, "a refused sign-in marks the tenant");
        var answers = recorder.Answers.ToArray();
        Assert.Contains(answers, a => a.Status == 204 && a.Url.AbsolutePath.EndsWith("/entity/auth/login", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Status == 204 && a.Url.AbsolutePath.EndsWith("/entity/auth/logout", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Status == 400 && a.Url.AbsolutePath.EndsWith("/entity/auth/login", StringComparison.Ordinal));
        Assert.DoesNotContain(answers, a => a.Url.AbsolutePath.Contains("/identity/connect/token", StringComparison.Ordinal));
        Assert.Empty(answers.SelectMany(specs.Answer));
    }

    private static long Organization(SandboxControl control, string accountCode) =>
        (long)control.CreateOrganization(
            "demo",
            new JsonObject { ["name"] = $"Account {accountCode} {Guid.NewGuid():N}", ["external_id"] = accountCode })["id"]!;
}
