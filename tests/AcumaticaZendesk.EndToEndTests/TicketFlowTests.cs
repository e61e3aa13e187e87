using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Tickets;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// Ticket context end to end: the sandbox's Zendesk sends signed webhooks to the real receiver, which publishes through
/// the stand-in sidecar to the real sync worker, whose workflow writes one activity on the sandbox's Acumatica customer.
/// One clock (a <see cref="FakeTimeProvider"/>) drives the sandbox, the receiver's timestamp window and the worker.
/// </summary>
public sealed partial class TicketFlowTests : IAsyncLifetime
{
    private const string TenantId = "demo";
    private const string PushSecret = "demo-push-secret";
    private const string CustomerId = "TICKETCUST";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const string PublicBaseUrl = "https://sync.example.test";

    private readonly FakeTimeProvider time = new(ConnectorAppsOptions.DefaultStartTime);
    private SandboxHost sandbox = null!;
    private ConnectorAppsHost apps = null!;
    private Guid customerNoteId;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private SandboxControl Control => sandbox.Control;

    public async ValueTask InitializeAsync()
    {
        apps = await ConnectorAppsHost.StartAsync(new ConnectorAppsOptions
        {
            Time = time,
            Configuration = new Dictionary<string, string?>
            {
                ["SyncSchedule:Interval"] = "00:05:00",
                ["Connectors:ZendeskClientCredentials"] = "true",   // the sandbox's confidential demo client
                ["Operator:PublicBaseUrl"] = PublicBaseUrl,
            },
            StartDependencies = async ct =>
            {
                sandbox = await SandboxHost.StartAsync(new SandboxOptions { Seed = "demo", TimeProvider = time }, ct);
                return new ConnectorDependency(sandbox, new Dictionary<string, string?>());
            },
            ConfigureSyncWorker = services =>
            {
                services.AddSingleton<ISyncEngine>(sp => new ScriptedSyncEngine(
                    sp.GetRequiredService<IConnectorStateStore>(),
                    new Dictionary<EntityKind, int>
                    {
                        [EntityKind.Customer] = 1,
                        [EntityKind.Vendor] = 1,
                        [EntityKind.Contact] = 1,
                        [EntityKind.Employee] = 1
                    }));
            },
            ConfigureWebhookReceiver = services => services.AddSingleton<TimeProvider>(time),
        }, Token);

        // The connectors build the tenant's clients from these (the real per-tenant construction, tokens encrypted in state).
        SetSecret(SecretNames.OAuthClientId(ConnectedSystem.Acumatica), DemoCredentials.AcumaticaClientId);
        SetSecret(SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica), DemoCredentials.AcumaticaClientSecret);
        SetSecret(SecretNames.AcumaticaUserName(TenantId), DemoCredentials.AcumaticaUser);
        SetSecret(SecretNames.AcumaticaPassword(TenantId), DemoCredentials.AcumaticaPassword);
        SetSecret(SecretNames.OAuthClientId(ConnectedSystem.Zendesk), DemoCredentials.ZendeskClientId);
        SetSecret(SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk), DemoCredentials.ZendeskClientSecret);
        SetSecret(SecretNames.TokenEncryptionKeys, "k1=" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
        SetSecret(SecretNames.TokenEncryptionCurrentKeyId, "k1");
        SetSecret(SecretNames.WebhookSigningSecret(TenantId), DemoCredentials.WebhookSecret);
        SetSecret(SecretNames.AcumaticaPushSecret(TenantId), PushSecret);
        await apps.SyncWorkerServices.GetRequiredService<TenantRepository>().SaveAsync(new TenantConfig
        {
            Id = TenantId,
            DisplayName = "Demo",
            Acumatica = new AcumaticaSettings
            {
                InstanceUrl = sandbox.AcumaticaUrl("demo").AbsoluteUri,
                EndpointVersion = "24.200.001",
                Company = DemoCredentials.AcumaticaTenant
            },
            Zendesk = new ZendeskSettings { Subdomain = "demo", BaseUrl = sandbox.ZendeskUrl("demo").AbsoluteUri },
        }, Token);
        Control.ConfigureWebhook(
            "demo",
            new Uri(apps.WebhookReceiver.BaseAddress!, $"/webhooks/zendesk/{TenantId}").AbsoluteUri,
            DemoCredentials.WebhookSecret);
        customerNoteId = Control.AddCustomer("demo", CustomerId, "Ticket Customer Ltd");
    }

    public async ValueTask DisposeAsync() => await apps.DisposeAsync();

    [Fact]
    public async Task A_solved_ticket_becomes_one_activity_on_the_linked_customer_and_a_later_update_updates_it()
    {
        var ticketId = Control.OpenTicket("demo", LinkedOrganization(), "Printer on fire");
        await WaitForAppliedAsync(ticketId, TicketUpdatedAt(ticketId));

        time.Advance(TimeSpan.FromMinutes(1));
        Control.SolveTicket("demo", ticketId, "Replaced the fuser; closing.");
        await WaitForAppliedAsync(ticketId, TicketUpdatedAt(ticketId));

        var solved = Assert.Single(ActivitiesOf(ticketId));
        Assert.Equal(customerNoteId.ToString(), Value(solved, "RelatedEntityNoteID"), ignoreCase: true);
        Assert.Contains("Printer on fire", Value(solved, "Summary"), StringComparison.Ordinal);
        Assert.Contains("solved", Value(solved, "Summary"), StringComparison.Ordinal);
        Assert.Contains("Replaced the fuser", Value(solved, "Body"), StringComparison.Ordinal);
        Assert.Contains($"/agent/tickets/{ticketId}", Value(solved, "Body"), StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(1));
        Control.UpdateTicket(
            "demo",
            ticketId,
            new JsonObject { ["subject"] = "Printer on fire (again)", ["comment"] = new JsonObject { ["body"] = "It happened again.", ["public"] = true } });
        await WaitForAppliedAsync(ticketId, TicketUpdatedAt(ticketId));

        var updated = Assert.Single(ActivitiesOf(ticketId));
        Assert.Equal(Value(solved, "NoteID"), Value(updated, "NoteID"));
        Assert.Contains("Printer on fire (again)", Value(updated, "Summary"), StringComparison.Ordinal);
        Assert.Contains("It happened again.", Value(updated, "Body"), StringComparison.Ordinal);

        var history = await Service<AuditTrail>().GetAsync(TenantId, EntityKind.Ticket, ticketId.ToString(CultureInfo.InvariantCulture), Token);
        // Newest first: created with the ticket, updated when solved, updated again.
        Assert.Equal([AuditAction.Updated, AuditAction.Updated, AuditAction.Created], history!.Entries.Select(e => e.Action));
    }

    [Fact]
    public async Task A_ticket_of_a_vendor_only_account_becomes_an_activity_on_the_vendor()
    {
        // Acumatica answers the Customer lookup of a vendor-only code with 500 "No entity satisfies the condition.":
        // the flow must read that as "not a customer" and go on to the Vendor.
        var customers = Control.AcumaticaRecords("demo", "Customer").Select(c => Value(c!.AsObject(), "CustomerID")).ToHashSet(StringComparer.Ordinal);
        var vendor = Control.AcumaticaRecords("demo", "Vendor").OfType<JsonObject>().First(v => !customers.Contains(Value(v, "VendorID")));
        var vendorId = Value(vendor, "VendorID");
        var organization = (long)Control.CreateOrganization(
            "demo",
            new JsonObject { ["name"] = $"Ticket Vendor {Guid.NewGuid():N}", ["external_id"] = vendorId })["id"]!;

        var ticketId = Control.OpenTicket("demo", organization, "Delivery late");
        var applied = await WaitForAppliedAsync(ticketId, TicketUpdatedAt(ticketId));

        Assert.Equal(TicketContextOutcome.Created, applied.Outcome);
        var activity = Assert.Single(ActivitiesOf(ticketId));
        Assert.Equal(vendor["id"]!.ToString(), Value(activity, "RelatedEntityNoteID"), ignoreCase: true);
        Assert.Equal("PX.Objects.AP.Vendor", Value(activity, "RelatedEntityType"));
    }

    [Fact]
    public async Task A_ticket_of_an_unlinked_organization_is_skipped_and_audited_with_the_reason()
    {
        var unlinked = (long)Control.CreateOrganization("demo", new JsonObject { ["name"] = "No Link Inc" })["id"]!;
        var ticketId = Control.OpenTicket("demo", unlinked, "Where is my invoice?");

        var applied = await WaitForAppliedAsync(ticketId, TicketUpdatedAt(ticketId));

        Assert.Equal(TicketContextOutcome.Skipped, applied.Outcome);
        Assert.Empty(ActivitiesOf(ticketId));
        var history = await Service<AuditTrail>().GetAsync(TenantId, EntityKind.Ticket, ticketId.ToString(CultureInfo.InvariantCulture), Token);
        var entry = history!.Entries[0];
        Assert.Equal(AuditAction.Skipped, entry.Action);
        Assert.Contains("no Acumatica link", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_the_sandbox_drops_is_caught_by_the_incremental_export_pass_of_the_next_run()
    {
        var ticketId = Control.OpenTicket("demo", LinkedOrganization(), "Login fails");
        await WaitForAppliedAsync(ticketId, TicketUpdatedAt(ticketId));

        Control.GetZendeskSettings("demo").WebhookDropRate = 1.0;
        time.Advance(TimeSpan.FromMinutes(2));
        Control.SolveTicket("demo", ticketId, "Password reset done.");
        var solvedAt = TicketUpdatedAt(ticketId);
        await WaitForAsync(() => Task.FromResult(Control.WebhookAttempts.Any(a => a.Dropped) && Control.PendingWebhooks == 0 ? "" : null));
        var before = await Applied(ticketId);
        Assert.True(before!.UpdatedAt < solvedAt, "the dropped webhook must not have been applied");

        var report = await TriggerCronAsync();
        var run = Assert.Single(report.Tenants);
        Assert.Equal(ScheduleOutcome.Scheduled, run.Outcome);
        await WaitForWorkflowAsync(run.InstanceId!);

        Assert.Equal(solvedAt, (await Applied(ticketId))!.UpdatedAt);
        var activity = Assert.Single(ActivitiesOf(ticketId));
        Assert.Contains("solved", Value(activity, "Summary"), StringComparison.Ordinal);
        Assert.Contains("Password reset done.", Value(activity, "Body"), StringComparison.Ordinal);
        Assert.NotNull((await Service<IConnectorStateStore>().GetAsync<TicketExportCursor>(TicketExportCursor.Key(TenantId), Token)).Value);

        // What the ticket-flow-lag alert reads: this ticket's time from its change in Zendesk to its activity.
        var lag = (await Service<IConnectorStateStore>().GetAsync<TicketFlowLag>(TicketFlowLag.Key(TenantId), Token)).Value!;
        Assert.Equal(lag.AppliedAt - solvedAt, lag.Lag);
        Assert.True(lag.Lag >= TimeSpan.Zero);
    }

    [Fact]
    public async Task A_change_in_the_same_second_as_an_applied_one_reaches_the_activity_by_the_next_export_pass()
    {
        var (ticketId, solvedAt) = await CreateAndSolveAsync("Scanner offline", "Driver reinstalled.");
        await WaitForAppliedAsync(ticketId, solvedAt);

        // A follow-up within the same second (the clock has not moved): Zendesk's updated_at and generated_timestamp
        // have whole seconds, so the ticket's version is the one just applied although its content changed. Its webhook is lost.
        Control.GetZendeskSettings("demo").WebhookDropRate = 1.0;
        FollowUp(ticketId, solvedAt, "Customer: works now, thanks!");
        await WaitForAsync(() => Task.FromResult(Control.PendingWebhooks == 0 ? "" : null));

        time.Advance(TimeSpan.FromMinutes(1));
        var run = Assert.Single((await TriggerCronAsync()).Tenants);
        await WaitForWorkflowAsync(run.InstanceId!);

        var activity = Assert.Single(ActivitiesOf(ticketId));
        Assert.Contains("Customer: works now, thanks!", Value(activity, "Body"), StringComparison.Ordinal);
        Assert.Contains("solved", Value(activity, "Summary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_of_a_change_in_the_same_second_as_an_applied_one_updates_the_activity_after_that_change_finished()
    {
        var (ticketId, solvedAt) = await CreateAndSolveAsync("VPN drops", "New VPN profile sent.");
        var solved = await WaitForWorkflowAsync(new TicketChange(TenantId, ticketId, solvedAt, TicketChangeSource.Webhook).InstanceId);
        Assert.Equal(WorkflowRuntimeStatus.Completed, solved.RuntimeStatus);

        FollowUp(ticketId, solvedAt, "Customer: connected, thanks!");

        var activity = await WaitForAsync(
            () => Task.FromResult(
                ActivitiesOf(ticketId).SingleOrDefault(a => Value(a, "Body").Contains("Customer: connected, thanks!", StringComparison.Ordinal))));
        Assert.Contains("solved", Value(activity, "Summary"), StringComparison.Ordinal);
        Assert.Single(ActivitiesOf(ticketId));
    }

    [Fact]
    public async Task An_acumatica_push_with_the_right_secret_starts_one_early_run_and_a_wrong_secret_is_refused()
    {
        var wrong = await PushAsync("not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain(apps.Sidecar.PubSub.Published, p => p.Topic == DaprNames.Topics.AcumaticaChangeSignals);

        var right = await PushAsync(PushSecret);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var wake = await WaitForAsync(
            async () => (await Service<IConnectorStateStore>().GetAsync<SyncWake>(EarlySyncTrigger.Key(TenantId), Token)).Value is { InstanceId: { } } w
                ? w
                : null);
        Assert.Matches($"^sync-{TenantId}-wake-[0-9]{{17}}-[0-9a-f]{{8}}$", wake.InstanceId);
        var state = await WaitForWorkflowAsync(wake.InstanceId!);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);

        // A second notification within the interval is debounced: no second early run.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(PushSecret)).StatusCode);
        await WaitForAsync(
            () => Task.FromResult(apps.Sidecar.PubSub.Deliveries.Count(d => d.Topic == DaprNames.Topics.AcumaticaChangeSignals) == 2 ? "" : null));
        Assert.Equal(wake, (await Service<IConnectorStateStore>().GetAsync<SyncWake>(EarlySyncTrigger.Key(TenantId), Token)).Value);
    }

    [Fact]
    public async Task An_early_wake_in_the_minute_of_a_finished_cron_run_starts_its_own_run_and_leaves_that_run_alone()
    {
        // 10:05:15, the first minute of the 10:05 slot: the minute of the wake and the slot of the cron run agree.
        time.Advance(TimeSpan.FromSeconds(165));
        var cron = Assert.Single((await TriggerCronAsync()).Tenants);
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await WaitForWorkflowAsync(cron.InstanceId!)).RuntimeStatus);

        Assert.Equal(HttpStatusCode.OK, (await PushAsync(PushSecret)).StatusCode);
        var wake = await WaitForAsync(
            async () => (await Service<IConnectorStateStore>().GetAsync<SyncWake>(EarlySyncTrigger.Key(TenantId), Token)).Value is { InstanceId: { } } w
                ? w
                : null);
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await WaitForWorkflowAsync(wake.InstanceId!)).RuntimeStatus);

        // daprd would purge a finished instance whose id is started again (createIfCompleted): no id may be reused.
        Assert.NotEqual(cron.InstanceId, wake.InstanceId);
        Assert.Empty(apps.Sidecar.TaskHub.CreatedAgain);
    }

    private void SetSecret(string name, string value) =>
        apps.Sidecar.SetSecret(DaprNames.Components.SecretStore, name.Replace(":", "--", StringComparison.Ordinal), value);

    /// <summary>A ticket on the linked customer, applied, then solved a minute later; returns its id and the solve's updated_at.</summary>
    private async Task<(long TicketId, DateTimeOffset SolvedAt)> CreateAndSolveAsync(string subject, string solution)
    {
        var ticketId = Control.OpenTicket("demo", LinkedOrganization(), subject);
        await WaitForAppliedAsync(ticketId, TicketUpdatedAt(ticketId));
        time.Advance(TimeSpan.FromMinutes(1));
        Control.SolveTicket("demo", ticketId, solution);
        return (ticketId, TicketUpdatedAt(ticketId));
    }

    /// <summary>A public reply with the clock unmoved: the ticket keeps the whole-second version <paramref name="version"/>.</summary>
    private void FollowUp(long ticketId, DateTimeOffset version, string reply)
    {
        Control.UpdateTicket("demo", ticketId, new JsonObject { ["comment"] = new JsonObject { ["body"] = reply, ["public"] = true } });
        Assert.Equal(version, TicketUpdatedAt(ticketId));
    }

    private long LinkedOrganization() =>
        (long)Control.CreateOrganization("demo", new JsonObject { ["name"] = $"Ticket Customer {Guid.NewGuid():N}", ["external_id"] = CustomerId })["id"]!;

    private DateTimeOffset TicketUpdatedAt(long ticketId) =>
        DateTimeOffset.Parse(Control.Tickets("demo").Single(t => (long)t!["id"]! == ticketId)!["updated_at"]!.ToString(), CultureInfo.InvariantCulture);

    private IReadOnlyList<JsonObject> ActivitiesOf(long ticketId) =>
        [.. Control.AcumaticaRecords("demo", "Activity").OfType<JsonObject>()
            .Where(a => Value(a, "Summary").StartsWith($"[zendesk-ticket:demo:{ticketId}]", StringComparison.Ordinal))];

    private static string Value(JsonObject record, string field) => record[field]?["value"]?.ToString() ?? record[field]?.ToString() ?? "";

    private async Task<TicketApplied?> Applied(long ticketId) =>
        (await Service<IConnectorStateStore>().GetAsync<TicketApplied>(TicketApplied.Key(TenantId, ticketId), Token)).Value;

    private Task<TicketApplied> WaitForAppliedAsync(long ticketId, DateTimeOffset updatedAt) =>
        WaitForAsync(async () => await Applied(ticketId) is { } a && a.UpdatedAt >= updatedAt ? a : null);

    /// <summary>Polls until <paramref name="probe"/> answers (the flow is asynchronous); fails after the deadline.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(Deadline);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    private async Task<CronTickReport> TriggerCronAsync()
    {
        var (status, body) = await apps.TriggerSyncCronAsync(Token);
        Assert.True(status == HttpStatusCode.OK, $"POST /sync-cron answered {(int)status}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<CronTickReport>(
            body,
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    private async Task<WorkflowState> WaitForWorkflowAsync(string instanceId)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(Deadline);
        return await Service<IDaprWorkflowClient>().WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token);
    }

    private async Task<HttpResponseMessage> PushAsync(string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/acumatica/{TenantId}")
        {
            Content = new StringContent("{\"Inserted\":[{\"CustomerID\":\"X\"}]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Acumatica-Push-Secret", secret);
        return await apps.WebhookReceiver.SendAsync(request, Token);
    }

    private T Service<T>()
        where T : notnull => apps.SyncWorkerServices.GetRequiredService<T>();
}
