using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Issue 17 finding 9: bounded fields, no overflow, no credentials echoed.</summary>
public sealed class HostileTenantInputTests
{
    [Theory]
    [InlineData("@every 99999999999s")]
    [InlineData("@every 99999999999999999999999999h")]
    [InlineData("@every 8785h")]
    public void An_every_interval_too_long_is_a_validation_error_not_an_exception(string schedule)
    {
        var errors = TenantValidator.Validate(TestData.Tenant() with { Schedule = schedule });

        Assert.Contains(errors, e => e.Path == "schedule" && e.Message.Contains("at most", StringComparison.Ordinal));
    }

    [Fact]
    public void A_year_is_still_accepted() =>
        Assert.Null(TenantValidator.CheckSchedule("@every 8784h"));

    [Theory]
    [InlineData("ftp://admin:S3cr3t-Pa55@erp.example.com/")]
    [InlineData("javascript://admin:S3cr3t-Pa55@x/")]
    [InlineData("admin:S3cr3t-Pa55")]
    public void A_url_that_is_not_http_is_refused_without_repeating_it(string url)
    {
        var errors = TenantValidator.Validate(TestData.Tenant() with { Acumatica = TestData.Tenant().Acumatica with { InstanceUrl = url } });

        var error = Assert.Single(errors, e => e.Path == "acumatica.instanceUrl");
        Assert.DoesNotContain("S3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_fields_are_refused_and_not_repeated()
    {
        var huge = new string('x', 1_000_000);
        var errors = TenantValidator.Validate(TestData.Tenant() with
        {
            DisplayName = huge,
            Schedule = huge,
            Zendesk = new ZendeskSettings { Subdomain = "contoso", BaseUrl = "https://" + huge + ".example" },
        });

        Assert.Equal(["displayName", "schedule", "zendesk.baseUrl"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.True(e.Message.Length < 300, e.Path));
    }

    /// <summary>
    /// A .NET <c>$</c> also matches before a final line break: "acme\n" passed every tenant-id, subdomain and version
    /// check, and became a secret name, a state key and a host name with a line break in it.
    /// </summary>
    [Theory]
    [InlineData("id")]
    [InlineData("zendesk.subdomain")]
    [InlineData("acumatica.endpointVersion")]
    public void A_value_with_a_trailing_line_break_is_refused(string path)
    {
        var tenant = TestData.Tenant();
        var hostile = path switch
        {
            "id" => tenant with { Id = tenant.Id + "\n" },
            "zendesk.subdomain" => tenant with { Zendesk = tenant.Zendesk with { Subdomain = tenant.Zendesk.Subdomain + "\n" } },
            _ => tenant with { Acumatica = tenant.Acumatica with { EndpointVersion = "24.200.001\n" } },
        };

        Assert.Contains(TenantValidator.Validate(hostile), e => e.Path == path);
        Assert.False(TenantIds.IsValid(tenant.Id + "\n"));
        Assert.True(TenantIds.IsValid(tenant.Id));
    }
}
