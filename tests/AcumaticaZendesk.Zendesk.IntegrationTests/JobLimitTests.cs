using System.Collections.Concurrent;
using System.Text.Json;
using AcumaticaZendesk.Zendesk.Jobs;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>
/// The adaptive limit on one account's bulk jobs in flight (<see cref="ZendeskJobLimit"/>): it backs off when Zendesk
/// refuses a job for too many jobs queued or running, grows back while jobs are accepted, is never exceeded by
/// concurrent callers, and a refused job is submitted again — never lost, never queued twice. Event order and a fake
/// clock only.
/// </summary>
public sealed class JobLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A delay that ends only when the test says so (the refusal's Retry-After).</summary>
    private sealed class ManualDelay
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Started { get; private set; }

        public Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken)
        {
            Started++;
            return _done.Task.WaitAsync(cancellationToken);
        }

        public void Pass() => _done.TrySetResult();
    }

    [Fact]
    public async Task Concurrent_callers_never_hold_more_slots_than_the_limit_and_are_let_in_first_come_first_served()
    {
        var limit = new ZendeskJobLimit(3);
        var order = new ConcurrentQueue<int>();
        var gates = Enumerable.Range(0, 10).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var most = 0;
        async Task CallerAsync(int i)
        {
            await limit.AcquireAsync(Ct);
            order.Enqueue(i);
            InterlockedMax(ref most, limit.InFlight);
            Assert.True(limit.InFlight <= limit.Limit);
            await gates[i].Task;
            limit.Release();
        }

        var callers = new List<Task>();
        for (var i = 0; i < 10; i++)
        {
            callers.Add(CallerAsync(i));
        }

        Assert.Equal((3, 7), (limit.InFlight, limit.Waiting));
        for (var i = 0; i < 10; i++)
        {
            gates[i].SetResult(); // caller i holds a slot: callers 0..i+2 were let in
            var expected = Math.Min(10, i + 4);
            await WaitUntilAsync(() => order.Count == expected);
            Assert.Equal(expected, order.Count);
        }

        await Task.WhenAll(callers);
        Assert.Equal(3, most);
        Assert.Equal(Enumerable.Range(0, 10), order);
        Assert.Equal((0, 0, 3), (limit.InFlight, limit.Waiting, limit.Limit));
    }

    [Fact]
    public async Task A_refusal_drops_the_limit_to_the_jobs_still_in_flight_and_accepted_jobs_with_every_slot_in_use_grow_it_back_to_the_ceiling()
    {
        var limit = new ZendeskJobLimit(4);
        for (var i = 0; i < 4; i++)
        {
            await limit.AcquireAsync(Ct);
        }

        limit.Accepted(); // at the ceiling already: nothing to grow
        var delay = new ManualDelay();
        var refused = limit.RefusedAsync(TimeSpan.FromSeconds(5), delay.DelayAsync, Ct);
        Assert.Equal((3, 3), (limit.Limit, limit.InFlight)); // three of ours are in Zendesk's queue: that is what fits
        var waiter = limit.AcquireAsync(Ct);
        Assert.False(waiter.IsCompleted); // three in flight, limit three

        limit.Release(); // one of our jobs finished: the refused job is submitted again (it queues behind the waiter)
        await waiter;
        await WaitUntilAsync(() => limit.Waiting == 1);
        Assert.False(refused.IsCompleted);
        Assert.Equal(3, limit.InFlight);
        limit.Release();
        await refused;
        Assert.Equal((3, 3), (limit.Limit, limit.InFlight));

        // Accepted with every slot in use: one step up per limit's worth of jobs (3), then per 4; never past the ceiling.
        limit.Accepted();
        limit.Accepted();
        Assert.Equal(3, limit.Limit);
        limit.Accepted();
        Assert.Equal(4, limit.Limit);
        await limit.AcquireAsync(Ct);
        for (var i = 0; i < 8; i++)
        {
            limit.Accepted();
        }

        Assert.Equal(4, limit.Limit);
        Assert.Equal(1, delay.Started); // the Retry-After wait was started once, and the release ended it
    }

    [Fact]
    public async Task A_refusal_with_nothing_in_flight_keeps_one_slot_and_jobs_accepted_with_slots_to_spare_do_not_grow_the_limit()
    {
        var limit = new ZendeskJobLimit(5);
        await limit.AcquireAsync(Ct);
        var delay = new ManualDelay();

        // Someone else holds all of Zendesk's 30: our only job is refused, nothing of ours will finish, so its
        // Retry-After decides when it is submitted again.
        var refused = limit.RefusedAsync(TimeSpan.FromSeconds(5), delay.DelayAsync, Ct);
        Assert.Equal((1, 0), (limit.Limit, limit.InFlight));
        Assert.False(refused.IsCompleted);
        delay.Pass();
        await refused;
        Assert.Equal(1, limit.InFlight);
        var other = limit.AcquireAsync(Ct);
        Assert.False(other.IsCompleted);

        limit.Accepted(); // the job went through with the one slot in use: the limit grows by one and lets the other in
        await other;
        Assert.Equal((2, 2), (limit.Limit, limit.InFlight));
        limit.Release();
        for (var i = 0; i < 10; i++)
        {
            limit.Accepted(); // one of two slots in use: the limit is not what holds the jobs back
        }

        Assert.Equal(2, limit.Limit);
    }

    [Fact]
    public async Task A_caller_that_gives_up_waiting_leaves_the_queue_and_the_next_caller_gets_the_slot()
    {
        var limit = new ZendeskJobLimit(1);
        await limit.AcquireAsync(Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var gaveUp = limit.AcquireAsync(cancel.Token);
        var next = limit.AcquireAsync(Ct);
        Assert.Equal(2, limit.Waiting);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        Assert.Equal(1, limit.Waiting);
        limit.Release();
        await next;
        Assert.Equal((1, 0), (limit.InFlight, limit.Waiting));
    }

    [Fact]
    public async Task Jobs_refused_for_too_many_queued_are_submitted_again_until_every_record_is_in_exactly_one_accepted_job()
    {
        // Zendesk has room for two more jobs (someone else holds the other 28); this process may have four in flight.
        await using var host = new TestHost(o => o.MaxConcurrentBulkJobs = 4);
        var gate = new Lock();
        var jobResults = new Dictionary<string, string>(StringComparer.Ordinal);
        var open = new HashSet<string>(StringComparer.Ordinal);
        var accepted = new ConcurrentQueue<string>();
        var refusals = 0;
        var submitted = 0;
        host.Server.Given(Api("POST", "/api/v2/organizations/create_many")).RespondWith(Response.Create().WithCallback(request =>
        {
            lock (gate)
            {
                if (open.Count >= 2)
                {
                    refusals++;
                    return TooManyJobs();
                }

                var id = $"job-{++submitted}";
                open.Add(id);
                accepted.Enqueue(request.Body!);
                var index = 0;
                var results = string.Join(',', JsonDocument.Parse(request.Body!).RootElement.GetProperty("organizations").EnumerateArray()
                    .Select(o => $$"""{"id":{{1000 + index}},"index":{{index++}}}"""));
                jobResults[id] = results;
                return OrganizationsTests.Message(200, "{\"job_status\":{\"id\":\"" + id + "\",\"status\":\"queued\"}}");
            }
        }));
        host.Server.JobStatuses(id =>
        {
            lock (gate)
            {
                open.Remove(id); // finished at its first poll: the slot in Zendesk's queue is free again
                return "{\"id\":\"" + id + "\",\"status\":\"completed\",\"total\":100,\"results\":[" + jobResults[id] + "]}";
            }
        });
        var orgs = Enumerable.Range(0, 1000).Select(i => new ZendeskOrganizationWrite { Name = $"Org {i}", ExternalId = $"E{i}" }).ToList();

        var results = await host.RunAsync(host.Client.Organizations.CreateManyAsync(orgs, Ct));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(Enumerable.Range(0, 1000), results.Select(r => r.Index));
        var externalIds = accepted
            .SelectMany(body => JsonDocument.Parse(body).RootElement.GetProperty("organizations").EnumerateArray())
            .Select(o => o.GetProperty("external_id").GetString())
            .ToList();
        Assert.Equal(1000, externalIds.Count); // every record in exactly one accepted job: none lost, none twice
        Assert.Equal(orgs.Select(o => o.ExternalId).Order(StringComparer.Ordinal), externalIds.Order(StringComparer.Ordinal));
        Assert.Equal(10, accepted.Count);
        Assert.True(refusals > 0);
        Assert.Equal(10 + refusals, host.SentTo("/create_many").Count);
        var limit = host.JobLimit();
        Assert.True(limit.Limit < 4, $"limit {limit.Limit} should have backed off below the ceiling");
        Assert.Equal(0, limit.InFlight);
        // A job-limit refusal is not the rate limit: the account was never blocked and no rate-limit retry was counted.
        Assert.Equal(0, host.Metrics.Snapshot().RateLimited);
    }

    [Fact]
    public async Task A_429_without_requests_left_is_the_rate_limit_the_account_waits_its_Retry_After_and_the_limit_stays()
    {
        await using var host = new TestHost(o => o.MaxConcurrentBulkJobs = 4);
        host.Server.Sequence(
            Api("POST", "/api/v2/organizations/create_many"),
            Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7").WithHeader("X-Rate-Limit", "700").WithHeader("X-Rate-Limit-Remaining", "0")
                .WithBody("Number of allowed API requests per minute exceeded"),
            Reply(200, """{"job_status":{"id":"job-1","status":"queued"}}"""));
        host.Server.JobStatuses(id => "{\"id\":\"" + id + "\",\"status\":\"completed\",\"total\":1,\"results\":[{\"id\":1,\"index\":0}]}");
        var start = host.Clock.GetUtcNow();

        var results = await host.RunAsync(host.Client.Organizations.CreateManyAsync([new ZendeskOrganizationWrite { Name = "One", ExternalId = "E1" }], Ct));

        Assert.True(Assert.Single(results).Succeeded);
        var submits = host.SentTo("/create_many");
        Assert.Equal(2, submits.Count);
        Assert.True(submits[1].At - start >= TimeSpan.FromSeconds(7));
        Assert.Equal(1, host.Metrics.Snapshot().RateLimited);
        Assert.Equal(4, host.JobLimit().Limit);
    }

    private static WireMock.ResponseMessage TooManyJobs() => new()
    {
        StatusCode = 429,
        Headers = new Dictionary<string, WireMockList<string>>
        {
            ["Content-Type"] = new("text/plain; charset=utf-8"),
            ["Retry-After"] = new("5"),
            ["X-Rate-Limit"] = new("700"),
            ["X-Rate-Limit-Remaining"] = new("650"),
        },
        BodyData = new BodyData
        {
            BodyAsString = "Too many jobs queued or running (maximum 30). Retry once some complete.",
            DetectedBodyType = BodyType.String,
        },
    };

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1, Ct);
        }
    }
}
