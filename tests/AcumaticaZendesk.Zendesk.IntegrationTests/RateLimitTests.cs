using System.Net;
using WireMock.ResponseBuilders;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Retry_after_on_429_is_honoured_on_the_fake_clock()
    {
        await using var host = new TestHost();
        host.Server.Sequence(Api("GET", "/api/v2/tickets/5"),
            Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7").WithHeader("X-Rate-Limit", "700")
                .WithHeader("X-Rate-Limit-Remaining", "0").WithHeader("Content-Type", "text/plain")
                .WithBody("Number of allowed API requests per minute exceeded"),
            Reply(200, """{"ticket":{"id":5}}"""));

        var ticket = await host.RunAsync(host.Client.Tickets.GetWithContextAsync(5, Ct), TimeSpan.FromMilliseconds(250));

        Assert.Equal(5, ticket!.Ticket.Id);
        var sent = host.Sent;
        Assert.Equal(2, sent.Count);
        Assert.True(sent[1].At - sent[0].At >= TimeSpan.FromSeconds(7), $"second attempt after {(sent[1].At - sent[0].At).TotalSeconds} s");
        var metrics = host.Metrics.Snapshot();
        Assert.Equal(1, metrics.RateLimited);
        Assert.Equal(1, metrics.Retries);
        Assert.Equal(TimeSpan.FromSeconds(7), metrics.RetryWait);
        Assert.Equal(2, metrics.RequestsByEndpoint["tickets.show"]);
    }

    [Fact]
    public void After_a_short_retry_after_sending_resumes_when_it_ends_not_at_the_end_of_the_learnt_minute()
    {
        var budget = new AcumaticaZendesk.Zendesk.Http.ZendeskRateBudget(0.1);
        var now = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        using (var ok = new HttpResponseMessage(HttpStatusCode.OK))
        {
            ok.Headers.Add("X-Rate-Limit", "200");
            ok.Headers.Add("X-Rate-Limit-Remaining", "150");
            budget.Observe(ok.Headers, now);
        }

        budget.BlockUntil(now.AddSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), budget.NextDelay(now, out _));
        Assert.Equal(TimeSpan.Zero, budget.NextDelay(now.AddSeconds(1), out _));
    }

    [Fact]
    public async Task A_429_on_a_bulk_submission_is_retried_because_nothing_was_queued()
    {
        await using var host = new TestHost();
        host.Server.Sequence(Api("POST", "/api/v2/organizations/create_many"),
            Response.Create().WithStatusCode(429).WithHeader("Retry-After", "3"),
            Reply(200, """{"job_status":{"id":"j","status":"completed","results":[{"index":0,"id":1}]}}"""));

        var results = await host.RunAsync(host.Client.Organizations.CreateManyAsync([new ZendeskOrganizationWrite { Name = "A", ExternalId = "A" }], Ct));

        Assert.True(Assert.Single(results).Succeeded);
        Assert.Equal(2, host.SentTo("/create_many").Count);
    }

    [Fact]
    public async Task Persistent_429_ends_in_a_typed_rate_limited_exception()
    {
        await using var host = new TestHost(o => o.MaxAttempts = 3);
        host.Server.Given(Api("GET", "/api/v2/tickets/5")).RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "2"));

        var ex = await Assert.ThrowsAsync<ZendeskRateLimitedException>(() => host.RunAsync(host.Client.Tickets.GetWithContextAsync(5, Ct)));

        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
        Assert.Equal(3, host.Sent.Count);
    }

    [Fact]
    public async Task Database_conflict_409_is_retried_with_backoff_on_an_idempotent_update()
    {
        await using var host = new TestHost();
        host.Server.Sequence(Api("PUT", "/api/v2/organizations/77"),
            Reply(409, """{"error":"DatabaseConflict","description":"Database collision"}"""),
            Reply(200, """{"organization":{"id":77,"name":"N"}}"""));

        var result = await host.RunAsync(host.Client.Organizations.UpdateAsync(new ZendeskOrganizationWrite { Id = 77, Name = "N" }, Ct));

        Assert.True(result.Succeeded);
        var sent = host.Sent;
        Assert.Equal(2, sent.Count);
        Assert.True(sent[1].At - sent[0].At >= TimeSpan.FromSeconds(0.5)); // half the 1 s base delay at least (equal jitter)
        Assert.InRange(host.Metrics.Snapshot().RetryWait, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Server_errors_are_retried_for_reads_but_not_for_non_idempotent_creates()
    {
        await using var host = new TestHost();
        host.Server.Sequence(Api("GET", "/api/v2/tickets/5"), Reply(503, """{"error":"ServiceUnavailable"}"""), Reply(200, """{"ticket":{"id":5}}"""));
        host.Server.Given(Api("POST", "/api/v2/organizations")).RespondWith(Reply(500, """{"error":"InternalServerError"}"""));

        var ticket = await host.RunAsync(host.Client.Tickets.GetWithContextAsync(5, Ct));
        var ex = await Assert.ThrowsAsync<ZendeskApiException>(() =>
            host.RunAsync(host.Client.Organizations.CreateAsync(new ZendeskOrganizationWrite { Name = "X" }, Ct)));

        Assert.Equal(5, ticket!.Ticket.Id);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("InternalServerError", ex.Error!.Code);
        Assert.Single(host.SentTo("/api/v2/organizations"));
    }

    [Fact]
    public async Task Low_remaining_budget_slows_requests_down_before_zendesk_refuses_them()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/tickets/5")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithHeader("X-Rate-Limit", "100").WithHeader("X-Rate-Limit-Remaining", "3")
            .WithBody("""{"ticket":{"id":5}}"""));
        host.Server.Given(Api("GET", "/api/v2/tickets/6")).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithHeader("X-Rate-Limit", "100").WithHeader("X-Rate-Limit-Remaining", "90")
            .WithBody("""{"ticket":{"id":6}}"""));

        await host.Client.Tickets.GetWithContextAsync(6, Ct);
        Assert.Equal(TimeSpan.Zero, host.Metrics.Snapshot().ThrottleWait);
        await host.Client.Tickets.GetWithContextAsync(6, Ct); // plenty left: no wait
        Assert.Equal(TimeSpan.Zero, host.Metrics.Snapshot().ThrottleWait);
        await host.Client.Tickets.GetWithContextAsync(5, Ct); // now 3 of 100 left: inside the 10 % reserve
        await host.RunAsync(host.Client.Tickets.GetWithContextAsync(5, Ct));

        var sent = host.Sent;
        Assert.True(host.Metrics.Snapshot().ThrottleWait > TimeSpan.Zero);
        Assert.True(sent[3].At - sent[2].At >= TimeSpan.FromSeconds(10), $"paced by {(sent[3].At - sent[2].At).TotalSeconds} s");
        Assert.Equal(0, host.Metrics.Snapshot().RateLimited);
    }

    [Fact]
    public void Options_are_validated_with_messages_that_name_the_setting()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddZendeskClient(o => o.MaxConcurrentBulkJobs = 50);
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IZendeskClientFactory>(provider)
                .Create(new ZendeskConnection("acme"), new InMemoryZendeskTokenSource()));

        Assert.Contains("Zendesk:MaxConcurrentBulkJobs", ex.Message, StringComparison.Ordinal);
    }
}
