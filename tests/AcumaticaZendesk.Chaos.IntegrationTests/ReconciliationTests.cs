using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Chaos.IntegrationTests;

/// <summary>
/// <see cref="Reconciliation"/> against a sandbox account written by <see cref="ZendeskMirror"/>: clean when Zendesk
/// shows Acumatica as documented, and each kind of discrepancy, seeded alone, reported under its kind.
/// </summary>
public sealed class ReconciliationTests : IAsyncLifetime
{
    private const string Name = "rec";
    private SandboxHost sandbox = null!;

    private SandboxControl Control => sandbox.Control;

    public async ValueTask InitializeAsync()
    {
        sandbox = await SandboxHost.StartAsync(new SandboxOptions(), TestContext.Current.CancellationToken);
        Control.Seed(
            new SeedSpec { Instance = Name, Subdomain = Name, Customers = 4, Vendors = 2, CustomerVendors = 1, ContactsPerAccount = 1, Employees = 2 });
    }

    public async ValueTask DisposeAsync() => await sandbox.DisposeAsync();

    [Fact]
    public void Zendesk_written_as_documented_reconciles_clean()
    {
        ZendeskMirror.Write(Control, Name);

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Empty(result.Problems);
        Assert.Equal(7 + 7 + 2, result.Expected);
        Assert.Equal(result.Expected, result.InZendesk);
        Assert.True(result.Converged);
        Assert.Equal(0, result.Duplicates);
    }

    [Fact]
    public void An_account_without_its_organization_is_lost()
    {
        var code = Code("Customer", "CustomerID", 0);
        ZendeskMirror.Write(Control, Name, (id, payload) => id == code ? null : payload);

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Lost);
        Assert.Contains($"lost: account {code} has no organization", result.Problems);
        Assert.False(result.Converged);
    }

    [Fact]
    public void An_organization_with_an_old_name_is_stale()
    {
        var code = Code("Customer", "CustomerID", 1);
        ZendeskMirror.Write(Control, Name, (id, payload) => Change(id == code, payload, p => p["name"] = "Old name Ltd"));

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Stale);
        Assert.Contains(result.Problems, p => p.StartsWith($"stale: organization {code}: named 'Old name Ltd'", StringComparison.Ordinal));
    }

    [Fact]
    public void An_organization_without_the_accounts_status_tag_is_stale()
    {
        var code = Code("Customer", "CustomerID", 2);
        ZendeskMirror.Write(Control, Name, (id, payload) => Change(id == code, payload,
            p => p["tags"] = new JsonArray(
                [
                    .. p["tags"]!.AsArray().Select(t => t!.ToString())
                        .Where(t => !t.StartsWith("acu_customer_status", StringComparison.Ordinal))
                        .Select(t => (JsonNode)t)])));

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Stale);
        Assert.Contains(result.Problems, p => p.StartsWith($"stale: organization {code}: lacks the tags acu_customer_status_", StringComparison.Ordinal));
    }

    [Fact]
    public void An_active_account_tagged_inactive_is_stale()
    {
        var code = Code("Vendor", "VendorID", 0);
        ZendeskMirror.Write(Control, Name, (id, payload) => Change(id == code, payload, p => p["tags"]!.AsArray().Add("acu_inactive")));

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Contains($"stale: organization {code}: tagged acu_inactive, the account is active", result.Problems);
    }

    [Fact]
    public void An_organization_of_the_connectors_scheme_that_matches_no_account_is_a_stray()
    {
        ZendeskMirror.Write(Control, Name);
        Control.CreateOrganization(Name, new JsonObject { ["name"] = "Gone Corp", ["external_id"] = "C999999" });

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Strays);
        Assert.Contains("stray: organization C999999 matches no Acumatica account", result.Problems);
        Assert.False(result.Converged);
    }

    [Fact]
    public void An_organization_that_lost_its_external_id_is_a_twin_of_the_account()
    {
        // Zendesk keeps organization names unique, so a twin is an organization with the account's name but no link.
        var code = Code("Customer", "CustomerID", 3);
        ZendeskMirror.Write(Control, Name, (id, payload) => Change(id == code, payload, p => p.Remove("external_id")));

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Duplicates);
        Assert.Equal(1, result.Lost);
        Assert.Contains(
            result.Problems,
            p => p.StartsWith("duplicate: an unlinked organization is named", StringComparison.Ordinal)
                && p.EndsWith($"like account {code}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_contact_without_its_user_is_lost()
    {
        var id = $"acu-contact:{Code("Contact", "ContactID", 0)}";
        ZendeskMirror.Write(Control, Name, (externalId, payload) => externalId == id ? null : payload);

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Lost);
        Assert.Contains($"lost: {id} has no user", result.Problems);
    }

    [Fact]
    public void A_user_with_another_name_is_stale()
    {
        var id = $"acu-contact:{Code("Contact", "ContactID", 1)}";
        ZendeskMirror.Write(Control, Name, (externalId, payload) => Change(externalId == id, payload, p => p["name"] = "Someone Else"));

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Stale);
        Assert.Contains(result.Problems, p => p.StartsWith($"stale: user {id}: named 'Someone Else'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_user_without_the_records_email_identity_is_stale()
    {
        var id = $"acu-contact:{Code("Contact", "ContactID", 2)}";
        ZendeskMirror.Write(Control, Name, (externalId, payload) => Change(externalId == id, payload, p => p["email"] = "old.address@elsewhere.example"));

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Stale);
        Assert.Contains(result.Problems, p => p.StartsWith($"stale: user {id}: no e-mail identity", StringComparison.Ordinal));
    }

    [Fact]
    public void A_contact_linked_to_no_or_another_organization_is_stale()
    {
        var first = $"acu-contact:{Code("Contact", "ContactID", 3)}";
        var second = $"acu-contact:{Code("Contact", "ContactID", 4)}";
        ZendeskMirror.Write(Control, Name, (externalId, payload) =>
            Change(externalId == first, payload, p => p["organization_id"] = null) is var changed
                && externalId == second ? Change(true, changed!, p => p.Remove("organization_id")) : changed);

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(2, result.Stale);
        Assert.Contains(result.Problems, p => p.StartsWith($"stale: user {first}: linked to organization (none), must be", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith($"stale: user {second}: linked to organization (none), must be", StringComparison.Ordinal));
    }

    [Fact]
    public void An_employee_outside_the_company_organization_is_stale()
    {
        var id = $"acu-employee:{Code("Employee", "EmployeeID", 0)}";
        var other = (long)Control.CreateOrganization(Name, new JsonObject { ["name"] = "Somewhere else" })["id"]!;
        ZendeskMirror.Write(Control, Name, (externalId, payload) => Change(externalId == id, payload, p => p["organization_id"] = other));

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Contains(result.Problems, p => p.StartsWith($"stale: user {id}: linked to organization (none), must be acu-company:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_user_of_the_connectors_scheme_that_matches_no_record_is_a_stray()
    {
        ZendeskMirror.Write(Control, Name);
        Control.CreateUser(
            Name,
            new JsonObject { ["name"] = "Left the company", ["email"] = "left@gone.example", ["external_id"] = "acu-employee:EP99999999" });

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Strays);
        Assert.Contains("stray: user acu-employee:EP99999999 matches no Acumatica contact or employee", result.Problems);
    }

    [Fact]
    public void A_user_that_lost_its_external_id_is_a_twin_of_the_record()
    {
        // Zendesk keeps e-mail identities unique, so a twin is a user with the record's e-mail but no link.
        var contact = Control.AcumaticaRecords(Name, "Contact").OfType<JsonObject>().ElementAt(5);
        var id = $"acu-contact:{ZendeskMirror.Value(contact, "ContactID")}";
        ZendeskMirror.Write(Control, Name, (externalId, payload) => Change(externalId == id, payload, p => p.Remove("external_id")));

        var result = Reconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Duplicates);
        Assert.Equal(1, result.Lost);
        Assert.Contains($"duplicate: an unlinked user has the e-mail {ZendeskMirror.Value(contact, "Email")!.ToLowerInvariant()} of {id}", result.Problems);
    }

    private string Code(string entity, string key, int index) =>
        ZendeskMirror.Value(Control.AcumaticaRecords(Name, entity).OfType<JsonObject>().ElementAt(index), key)!.Trim();

    private static JsonObject Change(bool when, JsonObject payload, Action<JsonObject> change)
    {
        if (when)
        {
            change(payload);
        }

        return payload;
    }
}
