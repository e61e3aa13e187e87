using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>Job-status polling: coalesced <c>show_many</c> requests per account, expiry, failures, back-off growth.</summary>
public sealed class JobPollingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ZendeskJobStatus Queued(string id) => new() { Id = id, Status = "queued" };

    private static string Status(string id, string status) => $$"""{"id":"{{id}}","status":"{{status}}","total":1,"results":[]}""";

    /// <summary>Each job id answers "working" for its first <paramref name="workingPolls"/> polls, then "completed".</summary>
    private static Func<string, string?> CompletesAfter(int workingPolls)
    {
        var polls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        return id => Status(id, polls.AddOrUpdate(id, 1, (_, n) => n + 1) > workingPolls ? "completed" : "working");
    }

    [Fact]
    public async Task Eight_concurrent_jobs_finishing_together_cost_one_status_request_per_poll_round()
    {
        await using var host = new TestHost(o => o.JobPollMaxInterval = TimeSpan.FromSeconds(30));
        host.Server.JobStatuses(CompletesAfter(workingPolls: 2));
        var start = host.Clock.GetUtcNow();
        var jobs = Enumerable.Range(1, 8).Select(i => host.Client.Jobs.WaitAsync(Queued($"job-{i}"), Ct)).ToList();

        var finished = await host.PollInLockstepAsync(Task.WhenAll(jobs), jobs: 8);

        Assert.All(finished, j => Assert.Equal("completed", j.Status));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"job-{i}"), finished.Select(j => j.Id));
        var polls = host.Sent;
        Assert.Equal(3, polls.Count); // three rounds (working, working, completed), one request each, not 24
        Assert.All(polls, p => Assert.EndsWith("/api/v2/job_statuses/show_many", p.Path, StringComparison.Ordinal));
        Assert.All(polls, p => Assert.Equal(8, p.Query("ids")!.Split(',').Distinct().Count()));
        // 1 s, then ×1.5 each round, each poll a coalescing window (0.1 s) after the jobs were due: never early.
        Assert.Equal([1.1, 2.7, 5.05], polls.Select(p => Math.Round((p.At - start).TotalSeconds, 6)));
        Assert.Equal(3, host.Metrics.Snapshot().RequestsByEndpoint["job_statuses.show_many"]);
        Assert.False(host.Metrics.Snapshot().RequestsByEndpoint.ContainsKey("job_statuses.show"));
        Assert.Equal(0, host.Polls().Waiting);
    }

    [Fact]
    public async Task Jobs_due_within_the_window_are_polled_together_never_before_they_are_due_and_others_wait_for_their_own_time()
    {
        await using var host = new TestHost(o => o.JobPollCoalesceWindow = TimeSpan.FromMilliseconds(200));
        host.Server.JobStatuses(id => Status(id, "completed"));
        var start = host.Clock.GetUtcNow();
        var first = host.Client.Jobs.WaitAsync(Queued("a"), Ct);
        host.Clock.Advance(TimeSpan.FromMilliseconds(150)); // due 150 ms after "a": within the window
        var close = host.Client.Jobs.WaitAsync(Queued("b"), Ct);
        host.Clock.Advance(TimeSpan.FromMilliseconds(150)); // due 300 ms after "a": outside it
        var far = host.Client.Jobs.WaitAsync(Queued("c"), Ct);

        await host.PollUntilDoneAsync(Task.WhenAll(first, close, far), jobs: 3);

        var polls = host.Sent;
        Assert.Equal(2, polls.Count);
        Assert.Equal("a,b", polls[0].Query("ids"));
        Assert.Equal(1.2, (polls[0].At - start).TotalSeconds, precision: 6); // "a" waited the window for "b" (due 1.15 s)
        Assert.EndsWith("/api/v2/job_statuses/c", polls[1].Path, StringComparison.Ordinal); // alone: the single GET
        Assert.Equal(1.5, (polls[1].At - start).TotalSeconds, precision: 6);
    }

    [Fact]
    public async Task At_a_low_rate_limit_a_due_poll_waits_up_to_three_requests_worth_of_it_to_take_along_jobs_falling_due_after_it()
    {
        await using var host = new TestHost();
        host.Server.JobStatuses(id => Status(id, "completed"));
        using (var answer = new HttpResponseMessage())
        {
            answer.Headers.Add("X-Rate-Limit", "700"); // Enterprise: a request is 86 ms of the limit, three are 257 ms
            answer.Headers.Add("X-Rate-Limit-Remaining", "650");
            host.Budget().Observe(answer.Headers, host.Clock.GetUtcNow());
        }

        var start = host.Clock.GetUtcNow();
        var first = host.Client.Jobs.WaitAsync(Queued("a"), Ct);
        host.Clock.Advance(TimeSpan.FromMilliseconds(200)); // due 200 ms after "a": past the configured window (100 ms), within 257 ms
        var second = host.Client.Jobs.WaitAsync(Queued("b"), Ct);

        await host.PollUntilDoneAsync(Task.WhenAll(first, second), jobs: 2);

        var poll = Assert.Single(host.Sent);
        Assert.Equal("a,b", poll.Query("ids"));
        Assert.Equal(1 + 3 * 60.0 / 700, (poll.At - start).TotalSeconds, precision: 3);
    }

    [Theory]
    [InlineData(null, 0.1)] // limit not learnt yet: the configured window
    [InlineData(700, 0.2571)] // 3 requests at 700/min
    [InlineData(2500, 0.1)] // 3 requests at 2,500/min (72 ms) are less than the configured window
    [InlineData(100, 0.5)] // 1.8 s, capped at half the poll interval
    public void The_coalescing_window_is_three_requests_worth_of_the_learnt_limit_between_the_configured_window_and_half_the_interval(
        int? limit, double seconds)
    {
        var options = new ZendeskClientOptions { JobPollInterval = TimeSpan.FromSeconds(1) };

        Assert.Equal(seconds, Jobs.ZendeskJobPoller.CoalesceWindow(options, limit).TotalSeconds, precision: 4);
        options.JobPollCoalesceWindow = TimeSpan.FromMilliseconds(50); // an operator's explicit window is kept
        Assert.Equal(0.05, Jobs.ZendeskJobPoller.CoalesceWindow(options, limit).TotalSeconds, precision: 4);
    }

    [Fact]
    public async Task A_job_missing_from_show_many_ends_like_an_expired_job_and_the_others_complete()
    {
        await using var host = new TestHost();
        host.Server.JobStatuses(id => id == "expired" ? null : Status(id, "completed"));

        var live = host.Client.Jobs.WaitAsync(Queued("live"), Ct);
        var expired = host.Client.Jobs.WaitAsync(Queued("expired"), Ct);
        await using var alone = new TestHost();
        alone.Server.JobStatuses(_ => null);

        var failure = await Assert.ThrowsAsync<ZendeskApiException>(() => host.PollUntilDoneAsync(expired, jobs: 2));
        var aloneFailure = await Assert.ThrowsAsync<ZendeskApiException>(
            () => alone.PollUntilDoneAsync(alone.Client.Jobs.WaitAsync(Queued("expired"), Ct), jobs: 1));

        Assert.Equal("completed", (await live).Status);
        // The same failure as an expired job polled on its own: a 404 of GET job_statuses/{id}.
        Assert.Equal(HttpStatusCode.NotFound, failure.StatusCode);
        Assert.Equal("job_statuses.show", failure.Endpoint);
        Assert.Equal((aloneFailure.StatusCode, aloneFailure.Endpoint, aloneFailure.Message), (failure.StatusCode, failure.Endpoint, failure.Message));
        Assert.Equal("live,expired", host.SentTo("/api/v2/job_statuses/show_many").Single().Query("ids"));
        Assert.Single(host.SentTo("/api/v2/job_statuses/expired"));
        Assert.Empty(host.SentTo("/api/v2/job_statuses/live"));
        Assert.Contains(
            host.Logs.Entries,
            e => e.Text.StartsWith("Zendesk acme polled 2 jobs in one show_many request (1 statuses returned)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_finished_job_whose_results_cannot_be_read_in_show_many_reads_its_own_status_again()
    {
        await using var host = new TestHost();
        var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        // "broken"'s first answer is finished with results that are no result entries; its next answer is readable.
        host.Server.JobStatuses(id => id == "broken" && answers.AddOrUpdate(id, 1, (_, n) => n + 1) == 1
            ? """{"id":"broken","status":"completed","total":1,"results":[1]}"""
            : Status(id, "completed"));

        var jobs = await host.PollUntilDoneAsync(
            Task.WhenAll(host.Client.Jobs.WaitAsync(Queued("fine"), Ct), host.Client.Jobs.WaitAsync(Queued("broken"), Ct)),
            jobs: 2);

        Assert.All(jobs, j => Assert.Equal("completed", j.Status));
        Assert.Equal("fine,broken", host.SentTo("/api/v2/job_statuses/show_many").Single().Query("ids"));
        Assert.Single(host.SentTo("/api/v2/job_statuses/broken"));
        Assert.Empty(host.SentTo("/api/v2/job_statuses/fine"));
    }

    [Fact]
    public async Task A_job_still_running_at_its_timeout_is_given_up_with_words_that_say_how_to_check_it_and_no_poll_after_the_deadline()
    {
        // Polls at 1.1 s and 2.7 s (TestHost: 1 s first, ×1.5, a 0.1 s window); the second poll is exactly at the deadline.
        await using var host = new TestHost(o => o.JobTimeout = TimeSpan.FromSeconds(2.7));
        host.Server.JobStatuses(id => Status(id, "working"));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => host.PollInLockstepAsync(host.Client.Jobs.WaitAsync(Queued("slow"), Ct), jobs: 1));

        Assert.Equal(
            "Zendesk job slow on 'acme' was still 'working' after 00:00:02.7000000; check it with GET /api/v2/job_statuses/{id} (statuses expire after about "
                + "an hour).",
            ex.Message);
        Assert.Equal(2, host.SentTo("/api/v2/job_statuses/slow").Count);
    }

    [Fact]
    public async Task A_blank_job_id_or_no_job_is_refused_before_any_request()
    {
        await using var host = new TestHost();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.Jobs.GetAsync(" ", Ct));
        Assert.Equal("job", (await Assert.ThrowsAsync<ArgumentNullException>(() => host.Client.Jobs.WaitAsync(null!, Ct))).ParamName);
        Assert.Empty(host.Sent);
    }

    [Fact]
    public async Task A_failed_shared_request_is_retried_then_fails_only_the_jobs_it_carried()
    {
        await using var host = new TestHost(o =>
        {
            o.MaxAttempts = 2;
            o.JobPollCoalesceWindow = TimeSpan.Zero;
        });
        host.Server.JobStatuses(id => id == "a" ? throw new InvalidOperationException("unavailable") : Status(id, "completed"));
        // Every request carrying job "a" answers 503 (WireMock turns the callback's exception into a 500 otherwise).
        host.Server.Given(Api("GET", "/api/v2/job_statuses/show_many").WithParam(p => p.TryGetValue("ids", out var ids) && ids.Contains("a"))).AtPriority(0)
            .RespondWith(Reply(503, """{"error":"ServiceUnavailable"}"""));
        var a = host.Client.Jobs.WaitAsync(Queued("a"), Ct);
        var b = host.Client.Jobs.WaitAsync(Queued("b"), Ct);
        host.Clock.Advance(TimeSpan.FromMilliseconds(500));
        var c = host.Client.Jobs.WaitAsync(Queued("c"), Ct);
        var d = host.Client.Jobs.WaitAsync(Queued("d"), Ct);

        var all = Task.WhenAll(a, b, c, d);
        await Assert.ThrowsAnyAsync<Exception>(() => host.PollUntilDoneAsync(all, jobs: 4));

        foreach (var failed in new[] { a, b })
        {
            var ex = await Assert.ThrowsAsync<ZendeskApiException>(() => failed);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
            Assert.Equal("job_statuses.show_many", ex.Endpoint);
        }

        Assert.Equal("completed", (await c).Status);
        Assert.Equal("completed", (await d).Status);
        var shows = host.SentTo("/api/v2/job_statuses/show_many");
        Assert.Equal(["a,b", "a,b", "c,d"], shows.Select(s => s.Query("ids")).Order(StringComparer.Ordinal)); // the retry may follow "c,d"
        Assert.Equal(1, host.Metrics.Snapshot().Retries);
        Assert.Contains(
            host.Logs.Entries,
            e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Text.Contains("JobIds=a,b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Jobs_of_two_subdomains_due_together_are_polled_separately()
    {
        await using var host = new TestHost();
        host.Server.JobStatuses(id => Status(id, "completed"));
        var beta = new ZendeskConnection("beta", new Uri($"{host.Server.Url}/zendesk/beta"));
        await host.Tokens.SaveTokensAsync(beta, new ZendeskTokenSet("beta-token", null, null), Ct);
        var betaClient = host.Factory.Create(beta, host.Tokens);
        var acmeJobs = new[] { "a1", "a2" }.Select(id => host.Client.Jobs.WaitAsync(Queued(id), Ct)).ToArray();
        var betaJobs = new[] { "b1", "b2" }.Select(id => betaClient.Jobs.WaitAsync(Queued(id), Ct)).ToArray();

        await host.PollUntilDoneAsync(Task.WhenAll(acmeJobs.Concat(betaJobs)), jobs: 4, host.Polls(), host.Polls(beta));

        var polls = host.Sent.OrderBy(s => s.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(2, polls.Count);
        Assert.Equal(("/zendesk/acme/api/v2/job_statuses/show_many", "a1,a2"), (polls[0].Path, polls[0].Query("ids")));
        Assert.Equal(("/zendesk/beta/api/v2/job_statuses/show_many", "b1,b2"), (polls[1].Path, polls[1].Query("ids")));
        Assert.Equal("Bearer beta-token", polls[1].Authorization);
    }

    [Fact]
    public async Task One_job_is_polled_with_the_single_get_at_intervals_growing_by_the_backoff_factor()
    {
        await using var host = new TestHost(o => o.JobPollMaxInterval = TimeSpan.FromSeconds(5));
        host.Server.JobStatuses(CompletesAfter(workingPolls: 5));
        var start = host.Clock.GetUtcNow();

        var job = await host.PollInLockstepAsync(host.Client.Jobs.WaitAsync(Queued("solo"), Ct), jobs: 1);

        Assert.Equal("completed", job.Status);
        var polls = host.SentTo("/api/v2/job_statuses/solo");
        Assert.Equal(6, polls.Count);
        Assert.Equal(polls.Count, host.Sent.Count);
        // Waits 1, 1.5, 2.25, 3.375, then capped at JobPollMaxInterval (5 s).
        Assert.Equal([1.1, 2.7, 5.05, 8.525, 13.625, 18.725], polls.Select(p => Math.Round((p.At - start).TotalSeconds, 6)));
    }

    [Fact]
    public async Task The_backoff_option_changes_the_growth()
    {
        await using var host = new TestHost(o =>
        {
            o.JobPollBackoff = 1.0;
            o.JobPollMaxInterval = TimeSpan.FromSeconds(5);
        });
        host.Server.JobStatuses(CompletesAfter(workingPolls: 2));
        var start = host.Clock.GetUtcNow();

        await host.PollInLockstepAsync(host.Client.Jobs.WaitAsync(Queued("steady"), Ct), jobs: 1);

        Assert.Equal([1.1, 2.2, 3.3], host.Sent.Select(p => Math.Round((p.At - start).TotalSeconds, 6)));
    }

    [Fact]
    public async Task Jobs_still_running_at_their_first_poll_make_the_account_s_next_jobs_wait_a_little_longer_first()
    {
        await using var host = new TestHost(o => o.JobPollMaxInterval = TimeSpan.FromSeconds(30));
        host.Server.JobStatuses(CompletesAfter(workingPolls: 1));
        var start = host.Clock.GetUtcNow();

        await host.PollInLockstepAsync(host.Client.Jobs.WaitAsync(Queued("slow-1"), Ct), jobs: 1);
        var second = host.Clock.GetUtcNow();
        await host.PollInLockstepAsync(host.Client.Jobs.WaitAsync(Queued("slow-2"), Ct), jobs: 1);

        var sent = host.Sent;
        Assert.Equal([1.1, 2.7], sent.Take(2).Select(p => Math.Round((p.At - start).TotalSeconds, 6))); // missed: a whole interval more
        Assert.Equal(1.2, (sent[2].At - second).TotalSeconds, precision: 6); // the next job first waits 10 % longer (+ the window)
        Assert.Equal(1.21, host.Polls().FirstWait(host.Options).TotalSeconds, precision: 6); // and it missed too: ×1.1 again
    }

    [Fact]
    public async Task The_first_wait_creeps_back_towards_the_configured_one_and_never_goes_below_it()
    {
        await using var host = new TestHost(o => o.JobPollMaxInterval = TimeSpan.FromSeconds(30));
        var polls = host.Polls();

        polls.LearnFirstPoll(host.Options, TimeSpan.FromSeconds(2), finished: false);
        Assert.Equal(2.2, polls.FirstWait(host.Options).TotalSeconds, precision: 6);
        polls.LearnFirstPoll(host.Options, TimeSpan.FromSeconds(2.2), finished: true);
        Assert.Equal(2.178, polls.FirstWait(host.Options).TotalSeconds, precision: 6);
        for (var i = 0; i < 200; i++)
        {
            polls.LearnFirstPoll(host.Options, polls.FirstWait(host.Options), finished: true);
        }

        Assert.Equal(host.Options.JobPollInterval, polls.FirstWait(host.Options));
        polls.LearnFirstPoll(host.Options, TimeSpan.FromMinutes(10), finished: false);
        Assert.Equal(host.Options.JobPollMaxInterval, polls.FirstWait(host.Options));
    }

    [Fact]
    public async Task A_show_many_answering_404_switches_the_account_to_single_polls()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/job_statuses/show_many")).AtPriority(0).RespondWith(Reply(404, """{"error":"InvalidEndpoint"}"""));
        host.Server.JobStatuses(CompletesAfter(workingPolls: 1));

        var jobs = await host.PollUntilDoneAsync(
            Task.WhenAll(host.Client.Jobs.WaitAsync(Queued("x"), Ct), host.Client.Jobs.WaitAsync(Queued("y"), Ct)),
            jobs: 2);

        Assert.All(jobs, j => Assert.Equal("completed", j.Status));
        Assert.Single(host.SentTo("/api/v2/job_statuses/show_many")); // tried once, then never again
        Assert.Equal(2, host.SentTo("/api/v2/job_statuses/x").Count);
        Assert.Equal(2, host.SentTo("/api/v2/job_statuses/y").Count);
        var warning = Assert.Single(host.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning); // not also as a failed poll
        Assert.StartsWith(
            "Zendesk acme answered job_statuses/show_many with 404; polling its jobs one by one from now on",
            warning.Text,
            StringComparison.Ordinal);
        Assert.Contains(
            host.Logs.Entries,
            e => e.Level == Microsoft.Extensions.Logging.LogLevel.Information
                && e.Text.StartsWith("Zendesk acme job x finished completed (1 records)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_poller_and_does_not_stop_the_other_jobs()
    {
        await using var host = new TestHost();
        host.Server.JobStatuses(id => Status(id, "completed"));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var cancelled = host.Client.Jobs.WaitAsync(Queued("gone"), cancel.Token);
        var kept = host.Client.Jobs.WaitAsync(Queued("kept"), Ct);
        Assert.Equal(2, host.Polls().Waiting);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var job = await host.PollUntilDoneAsync(kept, jobs: 1);

        Assert.Equal("completed", job.Status);
        Assert.Equal(["/zendesk/acme/api/v2/job_statuses/kept"], host.Sent.Select(s => s.Path));
        Assert.Equal(0, host.Polls().Waiting);
    }

    [Theory]
    [InlineData(nameof(ZendeskClientOptions.JobPollBackoff), 0.5, null)]
    [InlineData(nameof(ZendeskClientOptions.JobPollBackoff), 4.5, null)]
    [InlineData(nameof(ZendeskClientOptions.JobPollBackoff), double.NaN, null)]
    [InlineData(nameof(ZendeskClientOptions.JobPollCoalesceWindow), 1.5, 2.0)]
    [InlineData(nameof(ZendeskClientOptions.JobPollCoalesceWindow), 1.5, -0.1)]
    public void Polling_options_are_validated_with_messages_that_name_the_setting(string setting, double backoff, double? windowSeconds)
    {
        var services = new ServiceCollection();
        services.AddZendeskClient(o =>
        {
            o.JobPollBackoff = backoff;
            o.JobPollCoalesceWindow = windowSeconds is { } w ? TimeSpan.FromSeconds(w) : null;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ZendeskClientOptions>>().Value);

        Assert.Single(ex.Failures);
        Assert.Contains($"Zendesk:{setting}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Polling_defaults_are_a_backoff_of_one_and_a_half_and_a_window_of_a_tenth_of_the_interval()
    {
        var options = new ZendeskClientOptions { JobPollInterval = TimeSpan.FromMilliseconds(50) };

        Assert.Equal(1.5, options.JobPollBackoff);
        Assert.Null(options.JobPollCoalesceWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.EffectiveJobPollCoalesceWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(75), options.NextJobPollInterval(options.JobPollInterval));
        Assert.Equal(options.JobPollMaxInterval, options.NextJobPollInterval(TimeSpan.FromSeconds(14)));
    }
}
