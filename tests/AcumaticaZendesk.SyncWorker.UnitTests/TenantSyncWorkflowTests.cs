using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.SyncWorker.Tickets;
using Dapr.Workflow;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

/// <summary>The workflow's decisions, driven through a substituted <see cref="WorkflowContext"/>.</summary>
public sealed class TenantSyncWorkflowTests
{
    private const string RunId = "sync-contoso-202601051000";
    private static readonly DateTimeOffset Slot = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTime Now = new(2026, 1, 5, 10, 7, 0, DateTimeKind.Utc);

    private readonly WorkflowContext context = Substitute.For<WorkflowContext>();
    private readonly List<SyncPagesRequest> pageCalls = [];
    private readonly List<SyncRunSummary> finished = [];
    private readonly List<TenantSyncStatus> statuses = [];
    private readonly Dictionary<EntityKind, int> remaining = [];

    public TenantSyncWorkflowTests()
    {
        context.InstanceId.Returns(RunId);
        context.CurrentUtcDateTime.Returns(Now);
        context.CreateReplaySafeLogger<TenantSyncWorkflow>().Returns(NullLogger.Instance);
        context.When(c => c.SetCustomStatus(Arg.Any<object?>())).Do(ci => statuses.Add((TenantSyncStatus)ci.Arg<object?>()!));
        context.CallActivityAsync<SyncPagesResult>(nameof(SyncPageActivity), Arg.Any<SyncPagesRequest>(), Arg.Any<WorkflowTaskOptions?>())
            .Returns(ci => Task.FromResult(NextPage(ci.ArgAt<SyncPagesRequest>(1))));
        context.CallActivityAsync<bool>(nameof(CompleteSyncRunActivity), Arg.Any<SyncRunSummary>(), Arg.Any<WorkflowTaskOptions?>())
            .Returns(ci =>
            {
                finished.Add(ci.ArgAt<SyncRunSummary>(1));
                return Task.FromResult(true);
            });
    }

    [Fact]
    public async Task Kinds_run_in_dependency_stages_paging_until_no_more_then_the_run_is_finished()
    {
        Pages(customer: 2, vendor: 1, contact: 3, employee: 1);

        var result = await new TenantSyncWorkflow().RunAsync(context, Input(pagesPerExecution: 100));

        Assert.Equal(
            [EntityKind.Customer, EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor, EntityKind.Contact, EntityKind.Contact, EntityKind.Contact],
            pageCalls.Select(c => c.Kind));
        Assert.All(pageCalls, c => Assert.Equal(new SyncPagesRequest("contoso", RunId, c.Kind, 50, MaxPages: 1), c));
        var summary = Assert.Single(finished);
        Assert.Equal(summary, result);
        Assert.Equal(SyncRunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(new SyncCounts(7, 7 * 10, 7 * 4, 7 * 3, 7 * 2, 7, 0), summary.Counts);
        Assert.Equal(new DateTimeOffset(Now), summary.CompletedAt);
        Assert.Equal(Slot, summary.Slot);
        context.DidNotReceive().ContinueAsNew(Arg.Any<object?>(), Arg.Any<bool>());
    }

    [Fact]
    public async Task Each_call_may_sync_several_pages_and_they_count_against_the_execution_budget()
    {
        context.CallActivityAsync<SyncPagesResult>(nameof(SyncPageActivity), Arg.Any<SyncPagesRequest>(), Arg.Any<WorkflowTaskOptions?>())
            .Returns(ci =>
            {
                var request = ci.ArgAt<SyncPagesRequest>(1);
                pageCalls.Add(request);
                return Task.FromResult(
                    new SyncPagesResult(request.Kind, new SyncCounts(3, 30, 3, 0, 0, 0, 0), HasMore: request.Kind == EntityKind.Customer, Watermark: null));
            });
        TenantSyncInput? next = null;
        context.When(c => c.ContinueAsNew(Arg.Any<object?>(), Arg.Any<bool>())).Do(ci => next = (TenantSyncInput)ci.ArgAt<object?>(0)!);

        await new TenantSyncWorkflow().RunAsync(context, Input(pagesPerExecution: 7) with { PagesPerActivity = 3 });

        Assert.All(pageCalls, c => Assert.Equal(3, c.MaxPages));
        // Customer calls of 3 pages each until the 7-page budget is spent (3, 6, 9); the employee lane, which ran after
        // it here, found the budget spent and starts in the next execution.
        Assert.Equal([EntityKind.Customer, EntityKind.Customer, EntityKind.Customer], pageCalls.Select(c => c.Kind));
        Assert.NotNull(next);
        Assert.Equal(9, next.Progress!.Pages);
        Assert.Equal(90, next.Progress.Read);
        Assert.Empty(next.FinishedKinds!);
    }

    [Fact]
    public async Task Finishing_the_run_carries_a_retry_policy()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);

        await new TenantSyncWorkflow().RunAsync(context, Input());

        await context.Received(1).CallActivityAsync<bool>(nameof(CompleteSyncRunActivity), Arg.Any<SyncRunSummary>(),
            Arg.Is<WorkflowTaskOptions?>(o => o != null && o.RetryPolicy != null && o.RetryPolicy.MaxNumberOfAttempts > 1));
    }

    [Fact]
    public async Task Every_page_is_called_under_the_page_retry_policy()
    {
        // A failed page is retried by the runtime under this policy; settings that no retry fixes come back as data
        // (SyncPagesResult.StopCause), so no exception type is matched here.
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);

        var result = await new TenantSyncWorkflow().RunAsync(context, Input());

        Assert.Equal(SyncRunOutcome.Succeeded, result!.Outcome);
        await context.Received(4).CallActivityAsync<SyncPagesResult>(nameof(SyncPageActivity), Arg.Any<SyncPagesRequest>(), TenantSyncWorkflow.PageRetry);
        await context.DidNotReceive().CallActivityAsync<SyncPagesResult>(
            nameof(SyncPageActivity),
            Arg.Any<SyncPagesRequest>(),
            Arg.Is<WorkflowTaskOptions?>(o => o != TenantSyncWorkflow.PageRetry));
    }

    [Theory]
    [InlineData(RunStopCause.Configuration, "Tenant 'contoso', Acumatica: acumatica.endpointVersion: 'Default/24.200.001' is not available")]
    [InlineData(RunStopCause.NeedsAuthorization, "the tenant needs a new Zendesk authorization (invalid_grant)")]
    public async Task A_run_the_engine_stops_ends_failed_with_the_reason_starts_nothing_else_and_skips_the_export_pass(RunStopCause cause, string reason)
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);
        context.CallActivityAsync<SyncPagesResult>(
            nameof(SyncPageActivity),
            Arg.Is<SyncPagesRequest>(r => r.Kind == EntityKind.Customer),
            Arg.Any<WorkflowTaskOptions?>())
            .Returns(ci =>
            {
                pageCalls.Add(ci.ArgAt<SyncPagesRequest>(1));
                return Task.FromResult(
                    new SyncPagesResult(EntityKind.Customer, new SyncCounts(1, 0, 0, 0, 0, 0, 0), false, null, Stopped: reason, StopCause: cause));
            });

        var result = await new TenantSyncWorkflow().RunAsync(context, Input());

        Assert.Equal(SyncRunOutcome.Failed, result!.Outcome);
        Assert.Equal($"Customer: {reason}", result.Error);
        Assert.DoesNotContain(pageCalls, c => c.Kind is EntityKind.Vendor or EntityKind.Contact);
        Assert.Equal(SyncRunOutcome.Failed, Assert.Single(finished).Outcome);
        await context.DidNotReceive().CallActivityAsync<TicketExportResult?>(
            nameof(TicketExportActivity),
            Arg.Any<TicketExportRequest>(),
            Arg.Any<WorkflowTaskOptions?>());
    }

    [Fact]
    public async Task After_the_page_budget_it_continues_as_new_carrying_position_and_counts()
    {
        Pages(customer: 2, vendor: 2, contact: 1, employee: 1);
        TenantSyncInput? next = null;
        context.When(c => c.ContinueAsNew(Arg.Any<object?>(), Arg.Any<bool>())).Do(ci => next = (TenantSyncInput)ci.ArgAt<object?>(0)!);

        var result = await new TenantSyncWorkflow().RunAsync(context, Input(pagesPerExecution: 3));

        Assert.Null(result);
        Assert.Empty(finished);
        Assert.Equal([EntityKind.Customer, EntityKind.Customer, EntityKind.Employee], pageCalls.Select(c => c.Kind));
        Assert.NotNull(next);
        Assert.Equal([EntityKind.Customer, EntityKind.Employee], next.FinishedKinds);
        Assert.Equal(1, next.Generation);
        Assert.Equal(3, next.Progress!.Pages);
        Assert.Equal(30, next.Progress.Read);
        Assert.Equal(Slot, next.Slot);
    }

    [Fact]
    public async Task A_continued_execution_resumes_at_its_kind_and_adds_to_the_carried_counts()
    {
        Pages(customer: 0, vendor: 1, contact: 1, employee: 1);
        var carried = new SyncCounts(5, 50, 20, 15, 10, 5, 0);

        await new TenantSyncWorkflow().RunAsync(
            context,
            Input() with { FinishedKinds = [EntityKind.Customer, EntityKind.Employee], Progress = carried, Generation = 4 });

        Assert.Equal([EntityKind.Vendor, EntityKind.Contact], pageCalls.Select(c => c.Kind));
        Assert.Equal(7, Assert.Single(finished).Counts.Pages);
        Assert.Equal(70, finished[0].Counts.Read);
    }

    [Fact]
    public async Task The_kinds_of_a_stage_are_read_side_by_side()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);
        var vendor = Hold(EntityKind.Vendor);

        var run = new TenantSyncWorkflow().RunAsync(context, Input());

        // Customers first (they also make sure of the company's own organization); then the vendor page is still in
        // flight, yet the employee page was started; contacts wait for both.
        Assert.Equal([EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor], pageCalls.Select(c => c.Kind));
        Assert.False(run.IsCompleted);
        vendor.SetResult(new SyncPagesResult(EntityKind.Vendor, new SyncCounts(1, 10, 4, 3, 2, 1, 0), HasMore: false, Watermark: null));
        var result = await run;

        Assert.Equal(EntityKind.Contact, pageCalls[^1].Kind);
        Assert.Equal(SyncRunOutcome.Succeeded, result!.Outcome);
        Assert.Equal(4, result.Counts.Pages);
    }

    [Fact]
    public async Task Employees_wait_for_customers()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);
        var customer = Hold(EntityKind.Customer);

        var run = new TenantSyncWorkflow().RunAsync(context, Input());

        Assert.Equal([EntityKind.Customer], pageCalls.Select(c => c.Kind));
        customer.SetResult(new SyncPagesResult(EntityKind.Customer, new SyncCounts(1, 10, 4, 3, 2, 1, 0), HasMore: false, Watermark: null));
        await run;

        Assert.Equal([EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor, EntityKind.Contact], pageCalls.Select(c => c.Kind));
    }

    [Fact]
    public async Task A_budget_spent_inside_a_stage_carries_the_kinds_already_finished_and_resumes_only_the_others()
    {
        Pages(customer: 1, vendor: 3, contact: 1, employee: 1);
        TenantSyncInput? next = null;
        context.When(c => c.ContinueAsNew(Arg.Any<object?>(), Arg.Any<bool>())).Do(ci => next = (TenantSyncInput)ci.ArgAt<object?>(0)!);
        var employeeFirst = new TaskCompletionSource<SyncPagesResult>();
        context.CallActivityAsync<SyncPagesResult>(
            nameof(SyncPageActivity),
            Arg.Is<SyncPagesRequest>(r => r.Kind == EntityKind.Vendor),
            Arg.Any<WorkflowTaskOptions?>())
            .Returns(ci =>
            {
                pageCalls.Add(ci.ArgAt<SyncPagesRequest>(1));
                var left = remaining[EntityKind.Vendor] = remaining[EntityKind.Vendor] - 1;
                return employeeFirst.Task.ContinueWith(
                    _ => new SyncPagesResult(EntityKind.Vendor, new SyncCounts(1, 10, 4, 3, 2, 1, 0), HasMore: left > 0, Watermark: null),
                    TaskScheduler.Default);
            });

        var run = new TenantSyncWorkflow().RunAsync(context, Input(pagesPerExecution: 3));
        employeeFirst.SetResult(null!);
        await run;

        Assert.Equal([EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor], pageCalls.Select(c => c.Kind));
        Assert.NotNull(next);
        Assert.Equal([EntityKind.Customer, EntityKind.Employee], next.FinishedKinds);
        Assert.Equal(3, next.Progress!.Pages);

        pageCalls.Clear();
        var resumed = await new TenantSyncWorkflow().RunAsync(context, next with { PagesPerExecution = 100 });

        Assert.Equal([EntityKind.Vendor, EntityKind.Vendor, EntityKind.Contact], pageCalls.Select(c => c.Kind));
        Assert.Equal(6, resumed!.Counts.Pages);
    }

    [Fact]
    public async Task Vendors_follow_customers_without_waiting_for_employees_and_contacts_wait_for_both()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);
        var employee = Hold(EntityKind.Employee);

        var run = new TenantSyncWorkflow().RunAsync(context, Input());

        Assert.Equal([EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor], pageCalls.Select(c => c.Kind));
        Assert.Equal(["Employee"], statuses[^1].RunningKinds);
        employee.SetResult(new SyncPagesResult(EntityKind.Employee, new SyncCounts(1, 10, 4, 3, 2, 1, 0), HasMore: false, Watermark: null));
        var result = await run;

        Assert.Equal([EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor, EntityKind.Contact], pageCalls.Select(c => c.Kind));
        Assert.Equal(SyncRunOutcome.Succeeded, result!.Outcome);
    }

    [Fact]
    public async Task A_kind_that_fails_stops_the_other_kinds_of_its_stage_at_their_next_page()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 3);
        var vendor = Hold(EntityKind.Vendor);
        var employee = Hold(EntityKind.Employee);

        var run = new TenantSyncWorkflow().RunAsync(context, Input());
        vendor.SetException(
            new WorkflowTaskFailedException("failed", new WorkflowTaskFailureDetails("System.Net.Http.HttpRequestException", "Zendesk answered 503")));
        employee.SetResult(new SyncPagesResult(EntityKind.Employee, new SyncCounts(1, 10, 4, 3, 2, 1, 0), HasMore: true, Watermark: null));
        var result = await run;

        Assert.Equal(SyncRunOutcome.Failed, result!.Outcome);
        Assert.Contains("Vendor page failed", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, pageCalls.Count(c => c.Kind == EntityKind.Vendor)); // one call; the runtime retried it under PageRetry
        Assert.Equal(1, pageCalls.Count(c => c.Kind == EntityKind.Employee));
        Assert.DoesNotContain(pageCalls, c => c.Kind is EntityKind.Contact);
        Assert.Single(finished);
    }

    [Fact]
    public async Task A_new_execution_reports_what_it_reads_and_the_carried_progress_before_its_first_call_returns()
    {
        Pages(customer: 2, vendor: 1, contact: 1, employee: 1);
        var customer = Hold(EntityKind.Customer);
        var carried = new SyncCounts(8, 80, 30, 20, 10, 5, 0);

        var run = new TenantSyncWorkflow().RunAsync(context, Input() with { Progress = carried, Generation = 3 });

        var status = Assert.Single(statuses);
        Assert.Equal((EntityKind.Customer, 3, carried), (status.CurrentKind, status.Generation, status.Progress));
        Assert.Equal(["Customer"], status.RunningKinds);
        Assert.False(run.IsCompleted);
        customer.SetResult(new SyncPagesResult(EntityKind.Customer, new SyncCounts(1, 10, 4, 3, 2, 1, 0), HasMore: false, Watermark: null));
        await run;
    }

    [Fact]
    public async Task Custom_status_reports_the_next_kind_and_progress_after_every_page()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);

        await new TenantSyncWorkflow().RunAsync(context, Input());

        Assert.Equal(
            [EntityKind.Employee, EntityKind.Vendor, EntityKind.Contact, null, null],
            statuses.Select(s => s.CurrentKind));
        Assert.Empty(statuses[0].RunningKinds!); // here each page completes at once: nothing else was in flight
        Assert.Equal([1, 2, 3, 4, 4], statuses.Select(s => s.Progress.Pages));
        Assert.All(statuses, s => Assert.Equal("contoso", s.TenantId));
    }

    [Fact]
    public async Task The_ticket_export_pass_runs_once_after_the_main_flow_and_before_the_run_is_released()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);
        var order = new List<string>();
        context.CallActivityAsync<TicketExportResult?>(nameof(TicketExportActivity), Arg.Any<TicketExportRequest>(), Arg.Any<WorkflowTaskOptions?>())
            .Returns(ci =>
            {
                order.Add($"export:{pageCalls.Count}:{finished.Count}");
                return Task.FromResult<TicketExportResult?>(new TicketExportResult("contoso", 1, 2, 1, 1, 0, 0, true));
            });

        var result = await new TenantSyncWorkflow().RunAsync(context, Input());

        Assert.Equal(SyncRunOutcome.Succeeded, result!.Outcome);
        Assert.Equal(["export:4:0"], order);
        await context.Received(1).CallActivityAsync<TicketExportResult?>(
            nameof(TicketExportActivity), new TicketExportRequest("contoso", RunId), TicketExportStep.ExportRetry);
        Assert.Single(finished);
    }

    [Fact]
    public async Task A_failed_ticket_export_pass_is_logged_and_does_not_fail_the_run()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);
        context.CallActivityAsync<TicketExportResult?>(nameof(TicketExportActivity), Arg.Any<TicketExportRequest>(), Arg.Any<WorkflowTaskOptions?>())
            .ThrowsAsync(
                new WorkflowTaskFailedException("failed", new WorkflowTaskFailureDetails("AcumaticaZendesk.Zendesk.ZendeskRateLimitedException", "429")));

        var result = await new TenantSyncWorkflow().RunAsync(context, Input());

        Assert.Equal(SyncRunOutcome.Succeeded, result!.Outcome);
        Assert.Equal(SyncRunOutcome.Succeeded, Assert.Single(finished).Outcome);
    }

    [Fact]
    public async Task A_page_that_fails_after_its_retries_ends_the_run_as_failed_and_still_releases_it()
    {
        Pages(customer: 1, vendor: 1, contact: 1, employee: 1);
        context.CallActivityAsync<SyncPagesResult>(
            nameof(SyncPageActivity),
            Arg.Is<SyncPagesRequest>(r => r.Kind == EntityKind.Contact),
            Arg.Any<WorkflowTaskOptions?>())
            .ThrowsAsync(
                new WorkflowTaskFailedException("failed", new WorkflowTaskFailureDetails("System.Net.Http.HttpRequestException", "Zendesk answered 503")));

        var result = await new TenantSyncWorkflow().RunAsync(context, Input());

        Assert.Equal(SyncRunOutcome.Failed, result!.Outcome);
        Assert.Contains("Contact", result.Error, StringComparison.Ordinal);
        Assert.Contains("Zendesk answered 503", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, result.Counts.Pages);
        Assert.Single(finished);
    }

    [Fact]
    public async Task An_engine_that_claims_more_pages_but_returns_an_empty_one_stops_the_run_instead_of_looping()
    {
        context.CallActivityAsync<SyncPagesResult>(nameof(SyncPageActivity), Arg.Any<SyncPagesRequest>(), Arg.Any<WorkflowTaskOptions?>())
            .Returns(new SyncPagesResult(EntityKind.Customer, new SyncCounts(1, 0, 0, 0, 0, 0, 0), HasMore: true, Watermark: null));

        var result = await new TenantSyncWorkflow().RunAsync(context, Input(pagesPerExecution: 1000));

        Assert.Equal(SyncRunOutcome.Failed, result!.Outcome);
        Assert.Equal(1, result.Counts.Pages);
    }

    /// <summary>Pages of <paramref name="kind"/> stay in flight until the returned source completes them.</summary>
    private TaskCompletionSource<SyncPagesResult> Hold(EntityKind kind)
    {
        var pending = new TaskCompletionSource<SyncPagesResult>();
        context.CallActivityAsync<SyncPagesResult>(nameof(SyncPageActivity), Arg.Is<SyncPagesRequest>(r => r.Kind == kind), Arg.Any<WorkflowTaskOptions?>())
            .Returns(ci =>
            {
                pageCalls.Add(ci.ArgAt<SyncPagesRequest>(1));
                return pending.Task;
            });
        return pending;
    }

    private static TenantSyncInput Input(int pagesPerExecution = 50) =>
        new("contoso", Slot, Slot.AddSeconds(5), PageSize: 50, PagesPerExecution: pagesPerExecution);

    private void Pages(int customer, int vendor, int contact, int employee)
    {
        remaining[EntityKind.Customer] = customer;
        remaining[EntityKind.Vendor] = vendor;
        remaining[EntityKind.Contact] = contact;
        remaining[EntityKind.Employee] = employee;
    }

    private SyncPagesResult NextPage(SyncPagesRequest request)
    {
        pageCalls.Add(request);
        var left = remaining[request.Kind] = Math.Max(0, remaining[request.Kind] - 1);
        return new SyncPagesResult(request.Kind, new SyncCounts(1, 10, 4, 3, 2, 1, 0), HasMore: left > 0, Watermark: null);
    }
}
