using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>The in-process sandbox with one Acumatica instance + Zendesk account per seeded dataset.</summary>
internal sealed class BenchSandbox(SandboxHost host) : IAsyncDisposable
{
    public SandboxHost Host { get; } = host;

    public SandboxControl Control => Host.Control;

    public static async Task<BenchSandbox> StartAsync(CancellationToken cancellationToken) =>
        new(await SandboxHost.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0" }, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Seeds instance and account <paramref name="name"/> (same random seed, so the same records for every name),
    /// adds the demo credentials, sets the Zendesk rate limit, divides the job durations by the time scale and lets Acumatica queue parallel load.
    /// </summary>
    public DatasetInfo Seed(string name, BenchOptions options)
    {
        var summary = Control.Seed(new SeedSpec
        {
            Instance = name,
            Subdomain = name,
            Customers = options.Customers,
            Vendors = options.Vendors,
            CustomerVendors = options.CustomerVendors,
            ContactsPerAccount = options.ContactsPerAccount,
            Employees = options.Employees,
            Tickets = 0,
        });
        Control.AddDemoCredentials(name, name);
        var zendesk = Control.GetZendeskSettings(name);
        zendesk.RateLimitPerMinute = options.RateLimit;
        zendesk.JobQueuedFor /= options.EffectiveTimeScale;
        zendesk.JobWorkingFor /= options.EffectiveTimeScale;
        Control.GetAcumaticaSettings(name).MaxQueuedRequests = 10_000;
        var accounts = summary.Customers + summary.Vendors - options.CustomerVendors;
        var ownOrganization = summary.Employees > 0 ? 1 : 0;
        return new DatasetInfo(summary.Customers, summary.Vendors, options.CustomerVendors, summary.Contacts, summary.Employees,
            accounts + ownOrganization, summary.Contacts + summary.Employees);
    }

    /// <summary>Organizations and users in the account that carry the connector's external ids.</summary>
    public (int Organizations, int Users) LinkedCounts(string subdomain) =>
        (Control.Organizations(subdomain).Count(o => o?["external_id"] is not null),
         Control.Users(subdomain).Count(u => u?["external_id"] is not null));

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
