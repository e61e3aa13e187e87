using System.Net;
using System.Net.Sockets;
using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Connectors.Egress;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Egress;

/// <summary>
/// The egress policy on the real named HttpClients (as <c>AddConnectors</c> registers them) against a TCP listener
/// on 127.0.0.1 that counts the connections it accepts: a refused destination is never connected to.
/// </summary>
public sealed class EgressPolicyTests : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;

    public EgressPolicyTests()
    {
        _listener.Start();
        _ = AcceptAsync(_listener, "HTTP/1.1 302 Found\r\nLocation: http://[::1]:1/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Services(params string[] allowList)
    {
        var settings = allowList.Select((a, i) => new KeyValuePair<string, string?>($"Egress:AllowList:{i}", a));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IConnectorStateStore>(new Sync.State.InMemoryConnectorStateStore());
        services.AddConnectors(configuration);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("https://127.0.0.1:{0}/")]
    [InlineData("https://127.1:{0}/")]
    [InlineData("https://0x7f000001:{0}/")]
    [InlineData("https://2130706433:{0}/")]
    [InlineData("https://0177.0.0.1:{0}/")]
    [InlineData("https://localhost:{0}/")]
    [InlineData("https://[::ffff:127.0.0.1]:{0}/")]
    [InlineData("https://[::1]:{0}/")]
    public async Task Loopback_in_any_spelling_is_refused_at_connect_time_without_an_allow_list(string template)
    {
        using var services = Services();
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Port);
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(AcumaticaServiceCollectionExtensions.HttpClientName);

        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(url, Ct));

        Assert.Contains("Egress:AllowList", Flatten(refused), StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref _accepted));
    }

    [Fact]
    public async Task An_allow_listed_address_is_reached_and_a_redirect_elsewhere_is_not_followed()
    {
        using var services = Services("127.0.0.1");
        foreach (var name in new[] { AcumaticaServiceCollectionExtensions.HttpClientName, ZendeskServiceCollectionExtensions.HttpClientName })
        {
            var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(name);
            using var response = await http.GetAsync($"http://127.0.0.1:{Port}/", Ct);
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        }

        Assert.Equal(2, Volatile.Read(ref _accepted));
    }

    [Fact]
    public async Task An_allow_listed_network_does_not_open_other_special_addresses()
    {
        using var services = Services("10.1.0.0/16");
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(AcumaticaServiceCollectionExtensions.HttpClientName);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{Port}/", Ct));

        Assert.Equal(0, Volatile.Read(ref _accepted));
    }

    [Theory]
    [InlineData("https://attacker.example/api/v2/users.json")]
    [InlineData("https://acme.zendesk.com.attacker.example/api/v2/users.json")]
    [InlineData("https://acme.zendesk.com:8443/api/v2/users.json")]
    [InlineData("http://acme.zendesk.com/api/v2/users.json")]
    [InlineData("https://a.b.zendesk.com/api/v2/users.json")]
    [InlineData("https://user:pass@acme.zendesk.com/api/v2/users.json")]
    public async Task Zendesk_is_only_called_at_its_own_domain_over_https(string url)
    {
        using var services = Services();
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(ZendeskServiceCollectionExtensions.HttpClientName);

        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => http.GetAsync(url, Ct));

        Assert.DoesNotContain("pass", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_zendesk_rule_accepts_a_subdomain_and_allow_listed_hosts()
    {
        using var services = Services("sandbox.internal", "127.0.0.1");
        var policy = services.GetRequiredService<EgressPolicy>();

        Assert.Null(policy.CheckZendesk(new Uri("https://acme.zendesk.com/api/v2/users.json")));
        Assert.Null(policy.CheckZendesk(new Uri("http://sandbox.internal:5080/zendesk/acme/api/v2/users.json")));
        Assert.Null(policy.CheckZendesk(new Uri("http://127.0.0.1:5080/zendesk/acme/api/v2/users.json")));
        Assert.NotNull(policy.CheckZendesk(new Uri("http://127.0.0.2:5080/zendesk/acme/api/v2/users.json")));
    }

    [Fact]
    public void An_allow_list_entry_that_is_not_understood_fails_at_start()
    {
        using var services = Services("10.0.0.0/99");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EgressOptions>>().Value);

        Assert.Contains("Egress:AllowList", error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);

    private async Task AcceptAsync(TcpListener listener, string answer)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, _stop.Token);
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(answer), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
        }
    }
}
