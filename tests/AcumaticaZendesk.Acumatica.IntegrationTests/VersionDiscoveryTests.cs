using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Acumatica.Reading;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

public sealed class VersionDiscoveryTests : IDisposable
{
    private readonly FakeAcumatica _acu = new();
    private readonly TestHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Wrapper_shape_is_parsed_and_the_configured_version_is_accepted_without_signing_in()
    {
        _acu.StubEntityIndex();
        var client = _host.Client(_acu.Connection(AcumaticaAuthMode.CookieSession), AcumaticaCredentials.ForCookieSession(FakeAcumatica.User));

        var catalog = await client.GetEndpointsAsync(Ct);
        await client.EnsureEndpointAvailableAsync(Ct);

        Assert.Equal("24.200.0123", catalog.AcumaticaBuildVersion);
        Assert.Equal(["Default/22.200.001", "Default/23.200.001", "Default/24.200.001", "eCommerce/24.200.001"], catalog.Endpoints.Select(e => e.ToString()));
        Assert.Empty(_acu.Requests("POST", "/entity/auth/login"));
        Assert.Single(_acu.Requests("GET", "/AcumaticaERP/entity")); // cached after the first call
    }

    [Fact]
    public async Task Bare_array_shape_is_parsed()
    {
        _acu.StubEntityIndex("""[{"name":"Default","version":"23.200.001","href":"/x"},{"name":"Default","version":"24.200.001"}]""");
        var client = _host.Client(_acu.Connection(AcumaticaAuthMode.CookieSession), AcumaticaCredentials.ForCookieSession(FakeAcumatica.User));

        var catalog = await client.GetEndpointsAsync(Ct);

        Assert.Null(catalog.AcumaticaBuildVersion);
        Assert.True(catalog.Offers("default", "24.200.001"));
        Assert.False(catalog.Offers("Default", "25.200.001"));
    }

    [Fact]
    public async Task A_missing_version_names_the_configured_endpoint_and_lists_the_offered_ones()
    {
        _acu.StubEntityIndex();
        var client = _host.Client(
            _acu.Connection(AcumaticaAuthMode.CookieSession, version: "25.200.001"),
            AcumaticaCredentials.ForCookieSession(FakeAcumatica.User));

        var ex = await Assert.ThrowsAsync<AcumaticaVersionMismatchException>(() => client.EnsureEndpointAvailableAsync(Ct));

        Assert.Equal("Default/25.200.001", ex.ConfiguredEndpoint);
        Assert.Contains("'Default/25.200.001'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("it offers Default/22.200.001, Default/23.200.001, Default/24.200.001, eCommerce/24.200.001", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public async Task A_404_from_a_versioned_url_becomes_a_version_mismatch()
    {
        _acu.StubEntityIndex();
        _ = new TokenEndpoint(_acu);
        var client = _host.PasswordClient(_acu, version: "25.200.001");

        // Nothing is routed under /entity/Default/25.200.001, so the fake answers 404 like an unknown route.
        var ex = await Assert.ThrowsAsync<AcumaticaVersionMismatchException>(() => client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.Contains("Default/24.200.001", ex.Message, StringComparison.Ordinal);
        Assert.Single(_acu.Requests("GET", "/entity/Default/25.200.001/Customer"));
    }

    [Fact]
    public async Task A_404_for_a_record_on_an_offered_version_is_not_found()
    {
        _acu.StubEntityIndex();
        _ = new TokenEndpoint(_acu);
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer/NOPE", 404, """{"message":"No entity satisfies the condition."}""");
        var client = _host.PasswordClient(_acu);

        var customer = await client.GetAsync(AcumaticaEntitySets.Customers, "NOPE", Ct);

        Assert.Null(customer);
    }

    [Fact]
    public async Task The_no_entity_500_for_a_record_is_not_found_and_is_not_retried()
    {
        _ = new TokenEndpoint(_acu);
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer/V000001", 500, FakeAcumatica.NoEntityBody);
        var client = _host.PasswordClient(_acu);

        for (var i = 0; i < 3; i++)
            Assert.Null(await client.GetAsync(AcumaticaEntitySets.Customers, "V000001", Ct));

        Assert.Equal(3, _acu.Requests("GET", "/Customer/V000001").Count); // one request each: an answer, not a failure to retry
        Assert.Null(await client.GetAsync(AcumaticaEntitySets.Customers, "V000001", Ct));
    }

    [Fact]
    public async Task Any_other_500_for_a_record_stays_a_server_failure()
    {
        _ = new TokenEndpoint(_acu);
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer/C1", 500,
            """
            {
              "message": "An error has occurred.",
              "exceptionMessage": "Object reference not set to an instance of an object.",
              "exceptionType": "System.NullReferenceException"
            }
            """);
        var client = _host.PasswordClient(_acu);

        var ex = await Assert.ThrowsAsync<AcumaticaTransientException>(() => client.GetAsync(AcumaticaEntitySets.Customers, "C1", Ct));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.True(_acu.Requests("GET", "/Customer/C1").Count > 1, "a real 500 on a read is retried");
    }

    [Fact]
    public async Task A_wrong_instance_path_says_so()
    {
        var client = _host.Client(_acu.Connection(AcumaticaAuthMode.CookieSession), AcumaticaCredentials.ForCookieSession(FakeAcumatica.User));

        var ex = await Assert.ThrowsAsync<AcumaticaVersionMismatchException>(() => client.EnsureEndpointAvailableAsync(Ct));

        Assert.Contains("check the instance URL, including the instance path segment", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://erp.example.com/AcumaticaERP/entity/Default/24.200.001", "24.200.001")]
    [InlineData("https://erp.example.com", "24.2")]
    [InlineData("ftp://erp.example.com", "24.200.001")]
    public void Bad_connections_are_rejected_with_an_actionable_message(string url, string version)
    {
        var connection = new AcumaticaConnection(new Uri(url), "Default", version, "T", AcumaticaAuthMode.CookieSession);

        var ex = Assert.Throws<ArgumentException>(connection.Validate);

        Assert.Contains("Acumatica", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Urls_keep_the_instance_path_and_carry_the_version()
    {
        var connection = new AcumaticaConnection(
            new Uri("https://erp.example.com/AcumaticaERP"),
            "Default",
            "24.200.001",
            "T",
            AcumaticaAuthMode.CookieSession);

        Assert.Equal("https://erp.example.com/AcumaticaERP/entity/Default/24.200.001/", connection.EndpointBaseUrl.AbsoluteUri);
        Assert.Equal("https://erp.example.com/AcumaticaERP/identity/connect/token", connection.TokenUrl.AbsoluteUri);
        Assert.Equal("https://erp.example.com/entity/auth/login", (connection with { InstanceUrl = new Uri("https://erp.example.com/") }).LoginUrl.AbsoluteUri);
    }

    public void Dispose()
    {
        _host.Dispose();
        _acu.Dispose();
    }
}
