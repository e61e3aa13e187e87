using AcumaticaZendesk.Operator.Connect;
using AcumaticaZendesk.Operator.IntegrationTests.Security;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Operator.IntegrationTests;

/// <summary>The endpoint versions an instance offers, before any tenant or credential exists (the wizard's first step).</summary>
public sealed class EndpointDiscoveryTests : IAsyncLifetime
{
    private SandboxHost _sandbox = null!;
    private OperatorHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EndpointDiscovery Discovery => _host.Services.GetRequiredService<EndpointDiscovery>();

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", Seed = "demo" }, Ct);
        _host = await OperatorHost.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task The_Default_versions_are_offered_with_the_supported_one_suggested_else_the_newest()
    {
        var demo = await Discovery.DiscoverAsync(_sandbox.AcumaticaUrl("demo").AbsoluteUri, Ct);
        Assert.Null(demo.Problem);
        Assert.Contains("24.200.001", demo.Versions);
        Assert.Equal("24.200.001", demo.Suggested);
        Assert.NotNull(demo.BuildVersion);

        _sandbox.Control.Seed(
            new SeedSpec { Instance = "legacy", Subdomain = "legacy", Versions = ["22.200.001", "23.200.001"], Customers = 1, Vendors = 0, Employees = 0 });
        var legacy = await Discovery.DiscoverAsync(_sandbox.AcumaticaUrl("legacy").AbsoluteUri, Ct);
        Assert.Equal(["22.200.001", "23.200.001"], legacy.Versions);
        Assert.Equal("23.200.001", legacy.Suggested);
    }

    [Fact]
    public async Task Why_nothing_was_found_is_said_in_words()
    {
        Assert.Contains("http(s) URL", (await Discovery.DiscoverAsync("ftp://erp.example.com/AcumaticaERP", Ct)).Problem, StringComparison.Ordinal);
        Assert.Contains(
            "has no endpoint list",
            (await Discovery.DiscoverAsync(_sandbox.AcumaticaUrl("no-such-instance").AbsoluteUri, Ct)).Problem,
            StringComparison.Ordinal);

        await using var guarded = await HostileServer.StartAsync(401);
        var signInFirst = await Discovery.DiscoverAsync(new Uri(guarded.Url, "AcumaticaERP").AbsoluteUri, Ct);
        Assert.Contains("only after a sign-in", signInFirst.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(HostileServer.Body, signInFirst.Problem, StringComparison.Ordinal);
        Assert.Empty(signInFirst.Versions);
    }
}
