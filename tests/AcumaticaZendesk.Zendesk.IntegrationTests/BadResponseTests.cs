using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>Malformed and oversized answers fail the call clearly (reads are asked again first); nothing is guessed from them.</summary>
public sealed class BadResponseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_show_many_item_with_a_non_numeric_id_is_asked_again_and_a_good_answer_is_used()
    {
        await using var host = new TestHost();
        host.Server.Sequence(Api("GET", "/api/v2/organizations/show_many"),
            Reply(200, """{"organizations":[{"id":"id-1001","name":"Alpha","external_id":"A1"}]}"""),
            Reply(200, """{"organizations":[{"id":1001,"name":"Alpha","external_id":"A1"}]}"""));

        var found = await host.RunAsync(host.Client.Organizations.GetByExternalIdsAsync(["A1"], Ct));

        Assert.Equal(1001, found["A1"].Id);
        Assert.Equal(2, host.SentTo("/organizations/show_many").Count);
        Assert.Contains(
            host.Logs.Entries,
            e => e.Text.Contains("cannot read", StringComparison.Ordinal) && e.Text.Contains("organizations.show_many", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_that_stays_malformed_fails_the_call_with_a_clear_error_after_the_allowed_attempts()
    {
        await using var host = new TestHost(o => o.MaxAttempts = 3);
        host.Server.Given(Api("GET", "/api/v2/users/show_many")).RespondWith(Reply(200, "<html><body>502 Bad Gateway</body></html>"));

        var error = await Assert.ThrowsAsync<ZendeskBadResponseException>(() => host.RunAsync(host.Client.Users.GetByExternalIdsAsync(["acu-contact:1"], Ct)));

        Assert.Equal("users.show_many", error.Endpoint);
        Assert.StartsWith("Zendesk answered users.show_many with a body the client cannot read", error.Message, StringComparison.Ordinal);
        Assert.False(error.TooLarge);
        Assert.Equal(3, host.SentTo("/users/show_many").Count);
    }

    [Fact]
    public async Task A_job_status_that_is_not_JSON_is_polled_again_and_the_results_are_mapped_from_a_readable_one()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/organizations/create_many")).RespondWith(Reply(200,
            """{"job_status":{"id":"job-1","status":"queued","total":1,"progress":0}}"""));
        host.Server.Sequence(Api("GET", "/api/v2/job_statuses/job-1"),
            Reply(200, "<html>proxy error</html>"),
            Reply(200, """{"job_status":{"id":"job-1","status":"completed","total":1,"results":[{"id":"not-a-number","index":0}]}}"""),
            Reply(200, """{"job_status":{"id":"job-1","status":"completed","total":1,"results":[{"id":500,"index":0}]}}"""));

        var results = await host.RunAsync(host.Client.Organizations.CreateManyAsync([new() { Name = "Alpha", ExternalId = "A1" }], Ct));

        Assert.Equal(500, Assert.Single(results).Id);
        Assert.Single(host.SentTo("/create_many")); // the write itself is never sent twice
        Assert.Equal(3, host.SentTo("/job_statuses/job-1").Count);
    }

    [Fact]
    public async Task A_malformed_answer_to_a_write_is_not_retried()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/organizations/create_many")).RespondWith(Reply(200, """{"job_status":"#"""));

        var error = await Assert.ThrowsAsync<ZendeskBadResponseException>(
            () => host.RunAsync(host.Client.Organizations.CreateManyAsync([new() { Name = "Alpha", ExternalId = "A1" }], Ct)));

        Assert.Equal("organizations.create_many", error.Endpoint);
        Assert.Single(host.SentTo("/create_many"));
    }

    [Fact]
    public async Task A_body_over_the_bound_is_refused_at_once_without_retries()
    {
        await using var host = new TestHost(o => o.MaxResponseBytes = 64 * 1024);
        host.Server.Given(Api("GET", "/api/v2/organizations/show_many")).RespondWith(Reply(200,
            $$"""{"organizations":[{"id":1,"name":"{{new string('X', 200 * 1024)}}","external_id":"A1"}]}"""));

        var error = await Assert.ThrowsAsync<ZendeskBadResponseException>(() => host.RunAsync(host.Client.Organizations.GetByExternalIdsAsync(["A1"], Ct)));

        Assert.True(error.TooLarge);
        Assert.Contains("Zendesk:MaxResponseBytes", error.Message, StringComparison.Ordinal);
        Assert.Single(host.SentTo("/organizations/show_many"));
    }

    [Fact]
    public async Task A_response_bound_below_64_KiB_is_refused_at_start()
    {
        await using var host = new TestHost();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddZendeskClient(o => o.MaxResponseBytes = 1024);
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<Microsoft.Extensions.Options.IOptions<ZendeskClientOptions>>(provider).Value);
        Assert.Contains("Zendesk:MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }
}
