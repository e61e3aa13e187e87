using System.Text.Json.Nodes;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AcumaticaZendesk.Console.EndToEndTests;

/// <summary>The onboarding wizard: a new tenant from nothing to a finished first run, in the browser.</summary>
public sealed partial class ConsoleTests
{
    [Fact]
    public async Task An_admin_onboards_a_tenant_with_the_wizard_to_a_finished_first_run()
    {
        const string tenantId = "wizard";
        var control = fixture.Connector.Control;
        // A sandbox instance and account with the demo OAuth clients, and no Acumatica user secrets: both systems
        // are connected by consent in the browser, as a real tenant is.
        control.Seed(Spec(tenantId, customers: 3));
        control.AddDemoCredentials(tenantId, tenantId);
        // One customer already has a hand-made organization of the same name: the plan adopts it.
        var twin = control.AcumaticaRecords(tenantId, "Customer")[0]!;
        var twinKey = (string)twin["CustomerID"]!["value"]!;
        var twinId = (long)control.CreateOrganization(tenantId, new JsonObject { ["name"] = (string)twin["CustomerName"]!["value"]! })["id"]!;
        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page, Testing.SandboxedConnector.OperatorKey);

        // 1. Systems: the endpoint versions come from the instance.
        await page.GetByRole(AriaRole.Link, new() { Name = "Onboard a tenant" }).ClickAsync();
        await page.WaitForURLAsync("**/console/onboard");
        await page.FillAsync("#f-id", tenantId);
        await page.FillAsync("#f-displayName", "Wizard Industries");
        await page.FillAsync("#f-acumatica-instanceUrl", fixture.Connector.Sandbox.AcumaticaUrl(tenantId).ToString());
        await page.FillAsync("#f-acumatica-company", DemoCredentials.AcumaticaTenant);
        await page.FillAsync("#f-zendesk-subdomain", tenantId);
        await page.FillAsync("#f-zendesk-baseUrl", fixture.Connector.Sandbox.ZendeskUrl(tenantId).ToString());
        await page.ClickAsync("button[value=discover]");
        await Assertions.Expect(page.Locator("#discovery-result")).ToContainTextAsync("23.200.001, 24.200.001");
        await Assertions.Expect(page.Locator("#f-acumatica-endpointVersion")).ToHaveValueAsync("24.200.001");
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "onboard-1-systems");
        await page.ClickAsync("button[value=create]");

        // 2. Connect: each consent goes to the system's authorize page and comes back here.
        await page.WaitForURLAsync($"**/console/onboard/{tenantId}/connect");
        var tenant = await fixture.Connector.WorkerServices.GetRequiredService<TenantRepository>().GetRequiredAsync(tenantId, Token);
        Assert.True(tenant.Paused, "the wizard creates the tenant paused");
        await Assertions.Expect(page.Locator("li[data-connection=acumatica]")).ToContainTextAsync("not connected yet");
        await ConsolePages.AssertAccessibleAsync(page);
        await page.ClickAsync("button[value=acumatica]");
        await Assertions.Expect(page.Locator("#connect-result")).ToContainTextAsync("Acumatica is connected.");
        await page.ClickAsync("button[value=zendesk]");
        await Assertions.Expect(page.Locator("#connect-result")).ToContainTextAsync("Zendesk is connected.");
        await Assertions.Expect(page.Locator("li[data-connection=zendesk]")).ToContainTextAsync("connected (token until");
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "onboard-2-connect");

        // 3. Check: each item green or red, in words.
        await page.ClickAsync("a:has-text('Next: check both systems')");
        await Assertions.Expect(page.Locator("#check-summary")).ToContainTextAsync("Both systems answer as they should.");
        await Assertions.Expect(page.Locator("li[data-check='acumatica/token']")).ToHaveClassAsync("ok");
        await Assertions.Expect(page.Locator("li[data-check='zendesk/scopes']")).ToHaveClassAsync("ok");
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "onboard-3-check");

        // 4. Plan: what the first run would create and adopt, with samples; nothing is written.
        await page.ClickAsync("a:has-text('Next: see what the first run would do')");
        await Assertions.Expect(page.Locator("tr[data-kind=customer] td[data-outcome=adopt]")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("tr[data-kind=customer] td[data-outcome=create]")).ToHaveTextAsync(
            (control.AcumaticaRecords(tenantId, "Customer").Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("section[data-samples=adopt]")).ToContainTextAsync(twinKey);
        Assert.Single(control.Organizations(tenantId));
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "onboard-4-plan");

        // 5. Mapping: the customer class becomes a tag.
        await page.ClickAsync("a:has-text('Next: review the mapping')");
        await page.FillAsync("#f-mapping-organization-0-source", "class");
        await page.FillAsync("#f-mapping-organization-0-target", "tags");
        await page.FillAsync("#f-mapping-organization-0-tagPrefix", "class");
        await page.ClickAsync("button:has-text('Save the mapping')");
        await Assertions.Expect(page.Locator("#mapping-saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#f-mapping-organization-0-source")).ToHaveValueAsync("class");
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "onboard-5-mapping");

        // 6. Enable: resumed, first run started; the tenant page shows it finished.
        await page.ClickAsync("a:has-text('Next: enable')");
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "onboard-6-enable");
        await page.ClickAsync("button:has-text('Enable and start the first run')");
        await page.WaitForURLAsync($"**/console/tenants/{tenantId}?run=*");
        await Assertions.Expect(page.Locator("table.runs tbody tr").First.Locator(".badge")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("h1 .badge")).ToContainTextAsync("active");
        await ConsolePages.ScreenshotAsync(page, "onboard-first-run");
        var organizations = control.Organizations(tenantId).Select(o => o!.AsObject()).ToArray();
        Assert.Equal(twinKey, (string?)organizations.Single(o => (long)o["id"]! == twinId)["external_id"]); // adopted, not twinned
        foreach (var customer in control.AcumaticaRecords(tenantId, "Customer"))
        {
            var organization = organizations.Single(o => (string?)o["external_id"] == (string)customer!["CustomerID"]!["value"]!);
            Assert.Contains(organization["tags"]!.AsArray(), t => ((string?)t)?.StartsWith("class_", StringComparison.Ordinal) == true);
        }
    }

    [Fact]
    public async Task A_mapping_error_is_shown_at_its_field_and_nothing_is_saved()
    {
        const string tenantId = "mapcheck";
        await fixture.CreateTenantAsync(tenantId, Spec(tenantId, customers: 1));
        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page, Testing.SandboxedConnector.OperatorKey);

        await page.GotoAsync($"/console/onboard/{tenantId}/mapping");
        await page.FillAsync("#f-mapping-organization-0-source", "field:CreditLimit");
        await page.FillAsync("#f-mapping-organization-0-target", "tags");
        await page.FillAsync("#f-schedule", "every day");
        await page.ClickAsync("button:has-text('Save the mapping')");

        var source = page.Locator("#f-mapping-organization-0-source");
        await Assertions.Expect(page.Locator("#f-mapping-organization-0-source-error")).ToContainTextAsync("is a finance field ('Credit')");
        await Assertions.Expect(source).ToHaveAttributeAsync("aria-describedby", "f-mapping-organization-0-source-error");
        await Assertions.Expect(source).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(source).ToHaveValueAsync("field:CreditLimit");
        await Assertions.Expect(page.Locator("#f-schedule-error")).ToContainTextAsync("neither '@every");
        await Assertions.Expect(page.Locator("#f-schedule")).ToHaveAttributeAsync("aria-describedby", "f-schedule-error");
        await Assertions.Expect(page.Locator("#f-mapping-organization-0-target")).ToHaveAttributeAsync("aria-invalid", "false");
        await Assertions.Expect(page.Locator("#form-errors")).ToContainTextAsync("The mapping was not saved");
        await Assertions.Expect(page.Locator("#mapping-saved")).ToHaveCountAsync(0);
        await ConsolePages.AssertAccessibleAsync(page);
        await ConsolePages.ScreenshotAsync(page, "onboard-mapping-error");

        var stored = await fixture.Connector.WorkerServices.GetRequiredService<TenantRepository>().GetRequiredAsync(tenantId, Token);
        Assert.Empty(stored.Mapping.Organization);
        Assert.Null(stored.Schedule);
    }
}
