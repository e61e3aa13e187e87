using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>A client keeps the tokens it read for <see cref="ZendeskClientOptions.TokenCacheTime"/>; a 401 reads the source again.</summary>
public sealed class TokenCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_within_the_cache_time_read_the_token_source_once()
    {
        await using var host = new TestHost();
        var source = new CountingTokenSource(host.Tokens);
        var client = host.Factory.Create(host.Connection, source);
        host.Server.Given(Api("GET", "/api/v2/organizations/5")).RespondWith(Reply(200, """{"organization":{"id":5,"name":"Initrode"}}"""));

        for (var i = 0; i < 3; i++)
            await client.Organizations.GetAsync(5, Ct);
        Assert.Equal(1, source.Reads);

        host.Clock.Advance(host.Options.TokenCacheTime);
        await client.Organizations.GetAsync(5, Ct);

        Assert.Equal(2, source.Reads);
        Assert.All(host.Sent, s => Assert.Equal("Bearer " + TestHost.AccessToken, s.Authorization));
    }

    [Fact]
    public async Task A_token_replaced_in_the_store_is_used_at_the_first_rejection_without_a_refresh()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/organizations/5").WithHeader("Authorization", "Bearer " + TestHost.AccessToken))
            .RespondWith(Reply(200, """{"organization":{"id":5,"name":"Initrode"}}"""));
        await host.Client.Organizations.GetAsync(5, Ct);

        // Another replica refreshed (or an operator re-authorized): Zendesk now refuses the old token.
        await host.Tokens.SaveTokensAsync(host.Connection, new ZendeskTokenSet("rotated-access", "refresh-2", host.Clock.GetUtcNow().AddHours(1)), Ct);
        host.Server.Reset();
        host.Server.Given(Api("GET", "/api/v2/organizations/5").WithHeader("Authorization", "Bearer " + TestHost.AccessToken))
            .RespondWith(Reply(401, """{"error":"Couldn't authenticate you"}"""));
        host.Server.Given(Api("GET", "/api/v2/organizations/5").WithHeader("Authorization", "Bearer rotated-access"))
            .RespondWith(Reply(200, """{"organization":{"id":5,"name":"Initrode"}}"""));

        var organization = await host.Client.Organizations.GetAsync(5, Ct);

        Assert.Equal(5, organization!.Id);
        Assert.Equal(
            ["Bearer " + TestHost.AccessToken, "Bearer " + TestHost.AccessToken, "Bearer rotated-access"],
            host.Sent.Select(s => s.Authorization));
        Assert.DoesNotContain(host.Sent, s => s.Path.EndsWith("/oauth/tokens", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_no_cache_time_every_request_reads_the_token_source()
    {
        await using var host = new TestHost(o => o.TokenCacheTime = TimeSpan.Zero);
        var source = new CountingTokenSource(host.Tokens);
        var client = host.Factory.Create(host.Connection, source);
        host.Server.Given(Api("GET", "/api/v2/organizations/5")).RespondWith(Reply(200, """{"organization":{"id":5,"name":"Initrode"}}"""));

        for (var i = 0; i < 3; i++)
            await client.Organizations.GetAsync(5, Ct);

        Assert.Equal(3, source.Reads);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void A_cache_time_outside_zero_to_five_minutes_is_refused_naming_the_setting(int seconds)
    {
        var options = new ZendeskClientOptions { TokenCacheTime = TimeSpan.FromSeconds(seconds) };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(errors, e => e.ErrorMessage!.StartsWith("Zendesk:TokenCacheTime", StringComparison.Ordinal));
    }

    private sealed class CountingTokenSource(IZendeskTokenSource inner) : IZendeskTokenSource
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public ValueTask<ZendeskTokenSet?> GetTokensAsync(ZendeskConnection connection, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return inner.GetTokensAsync(connection, cancellationToken);
        }

        public ValueTask SaveTokensAsync(ZendeskConnection connection, ZendeskTokenSet tokens, CancellationToken cancellationToken) =>
            inner.SaveTokensAsync(connection, tokens, cancellationToken);
    }
}
