using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AcumaticaZendesk.Console.EndToEndTests;

/// <summary>The operator console in a real browser against the whole product on one machine.</summary>
public sealed partial class ConsoleTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static SeedSpec Spec(string instance, int customers = 4) =>
        new() { Instance = instance, Subdomain = instance, Customers = customers, Vendors = 1, ContactsPerAccount = 1, Employees = 1 };

    [Fact]
    public async Task An_operator_signs_in_and_sees_every_tenant_with_the_broken_ones_first()
    {
        await fixture.CreateTenantAsync("globex", Spec("globex"));
        await fixture.CreateTenantAsync("initech", Spec("initech"));
        await fixture.Connector.WorkerServices.GetRequiredService<TenantRepository>()
            .MarkNeedsAuthorizationAsync("initech", ConnectedSystem.Zendesk, "invalid_grant: the refresh token was revoked", Token);
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/console");
        await page.WaitForURLAsync("**/console/sign-in**");
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "sign-in");
        await page.FillAsync("#api-key", "not-a-key");
        await page.ClickAsync("button[type=submit]:has-text('Sign in')");
        await Assertions.Expect(page.Locator("#sign-in-error")).ToContainTextAsync("not valid");

        await ConsolePages.SignInAsync(page, Testing.SandboxedConnector.OperatorKey);

        var rows = page.Locator("table.tenants tbody tr");
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-tenant", "initech");
        await Assertions.Expect(rows.First).ToContainTextAsync("connect Zendesk again");
        await Assertions.Expect(page.Locator("tr[data-tenant=globex]")).ToContainTextAsync("active");
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "tenants");

        // Filter: only the tenants with a problem.
        await page.SelectOptionAsync("#status", "problems");
        await page.ClickAsync("form[role=search] button[type=submit]");
        await page.WaitForURLAsync("**status=problems**");
        await Assertions.Expect(page.Locator("tr[data-tenant=globex]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("tr[data-tenant=initech]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_failed_record_is_replayed_from_the_queue_after_a_run_started_in_the_browser()
    {
        const string tenantId = "umbrella";
        await fixture.CreateTenantAsync(tenantId, Spec(tenantId), t => t with { Onboarding = OnboardingPolicy.CreateOnly });
        var control = fixture.Connector.Control;
        var customer = control.AcumaticaRecords(tenantId, "Customer")[0]!;
        var key = (string)customer["CustomerID"]!["value"]!;
        var name = (string)customer["CustomerName"]!["value"]!;
        control.CreateOrganization(tenantId, new JsonObject { ["name"] = name }); // a hand-made twin: creating ours clashes
        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page, Testing.SandboxedConnector.OperatorKey);

        await page.ClickAsync($"tr[data-tenant={tenantId}] a");
        await page.WaitForURLAsync($"**/console/tenants/{tenantId}");
        await page.FillAsync("#run-reason", "first load from the browser");
        await page.ClickAsync("button[value=run-now]");
        await Assertions.Expect(page.Locator("#action-result")).ToContainTextAsync("started");

        // The progress panel refreshes itself until the run ends, then the page shows the finished run and the queue.
        await Assertions.Expect(page.Locator("table.runs tbody tr").First.Locator(".badge")).ToContainTextAsync(
            "some records failed",
            new() { Timeout = 60_000 });
        var queued = page.Locator($"tr[data-record='customer/{key}']");
        await Assertions.Expect(queued).ToContainTextAsync("taken");
        await Assertions.Expect(page.Locator("figure.chart svg")).ToBeVisibleAsync();
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "tenant");

        // The customer fixes the name in Acumatica; the operator replays that one record.
        control.RenameAccount(tenantId, key, name + " Holdings");
        await queued.Locator("button:has-text('Replay')").ClickAsync();
        await Assertions.Expect(page.Locator("#action-result")).ToContainTextAsync("Replayed 1 record");
        await Assertions.Expect(page.Locator($"tr[data-record='customer/{key}']")).ToHaveCountAsync(0);
        Assert.Single(control.Organizations(tenantId), o => (string?)o!["external_id"] == key);
        Assert.Empty(await fixture.Connector.WorkerServices.GetRequiredService<FailedRecordQueue>().ListAsync(tenantId, Token));

        // The record's trail shows the replay.
        await page.GotoAsync($"/console/tenants/{tenantId}?kind=customer&key={key}");
        await Assertions.Expect(page.Locator("article.trail").First).ToContainTextAsync("replayed");
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "record-trail");
    }

    [Fact]
    public async Task A_tenant_key_sees_its_tenant_only()
    {
        await fixture.CreateTenantAsync(ConsoleFixture.ScopedTenant, Spec(ConsoleFixture.ScopedTenant));
        await fixture.CreateTenantAsync("hooli", Spec("hooli"));
        var page = await fixture.NewPageAsync();

        await ConsolePages.SignInAsync(page, ConsoleFixture.ScopedKey);

        var rows = page.Locator("table.tenants tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-tenant", ConsoleFixture.ScopedTenant);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Onboard a tenant" })).ToHaveCountAsync(0);
        var onboard = await page.GotoAsync("/console/onboard");
        Assert.Equal(403, onboard!.Status);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Only an admin key may create a tenant");
        var otherWizard = await page.GotoAsync("/console/onboard/hooli/check");
        Assert.Equal(403, otherWizard!.Status);

        var response = await page.GotoAsync("/console/tenants/hooli");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("may not see tenant 'hooli'");
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Tenant hooli");
        await ConsolePages.ScreenshotAsync(page, "scoped-key-refused");

        // The same for the live-progress fragment, and for the API with the same key.
        var fragment = await page.APIRequest.GetAsync("/console/fragments/tenants/hooli/runs/x/progress");
        Assert.Equal(403, fragment.Status);
        var own = await page.GotoAsync($"/console/tenants/{ConsoleFixture.ScopedTenant}");
        Assert.Equal(200, own!.Status);
    }
}
