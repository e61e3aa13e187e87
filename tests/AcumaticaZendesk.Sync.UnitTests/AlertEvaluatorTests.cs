using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Sync.UnitTests.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class AlertEvaluatorTests
{
    private static readonly TenantConfig Alerted = Tenant() with
    {
        Alerts = new AlertSettings
        {
            Webhook = new WebhookAlertChannel { UrlSecret = "hook" },
            Triggers = new AlertTriggers { ConsecutiveFailures = 2, ReplayQueueOver = 5, TicketFlowLagOver = TimeSpan.FromMinutes(30) },
        },
    };

    private static RunRecord Run(string id, RunStatus status, bool dryRun = false) =>
        new(id, "contoso", T0, T0, T0, status, dryRun, new Dictionary<string, KindProgress>(), status == RunStatus.Failed ? [$"{id} broke"] : []);

    private static AlertKind[] Kinds(AlertInputs inputs) => [.. AlertEvaluator.Evaluate(inputs).Select(c => c.Kind)];

    [Fact]
    public void A_healthy_tenant_has_no_condition() =>
        Assert.Empty(Kinds(new(Alerted, [Run("r2", RunStatus.Completed), Run("r1", RunStatus.Failed)], 5, TimeSpan.FromMinutes(30))));

    [Fact]
    public void A_tenant_without_alerts_has_no_condition() =>
        Assert.Empty(Kinds(new(Tenant(), [Run("r1", RunStatus.Failed)], 100, TimeSpan.FromDays(1))));

    [Fact]
    public void One_failed_run_is_run_failed_with_its_error()
    {
        var condition = Assert.Single(AlertEvaluator.Evaluate(new(Alerted, [Run("r2", RunStatus.Failed), Run("r1", RunStatus.Completed)], 0, null)));

        Assert.Equal(AlertKind.RunFailed, condition.Kind);
        Assert.Contains("r2 broke", condition.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_in_a_row_count_finished_real_runs_only() =>
        Assert.Equal(
            [AlertKind.RunFailed, AlertKind.ConsecutiveFailures],
            Kinds(new(Alerted, [Run("r4", RunStatus.Running), Run("r3", RunStatus.Failed), Run("dry", RunStatus.Completed, dryRun: true), Run("r2", RunStatus.Failed)], 0, null)));

    [Fact]
    public void Needs_authorization_replay_queue_and_ticket_lag_over_their_thresholds()
    {
        var waiting = Alerted with { Authorization = new AuthorizationState(true, ConnectedSystem.Zendesk, "invalid_grant", T0) };

        Assert.Equal(
            [AlertKind.NeedsAuthorization, AlertKind.ReplayQueue, AlertKind.TicketFlowLag],
            Kinds(new(waiting, [Run("r1", RunStatus.Completed)], 6, TimeSpan.FromMinutes(31))));
    }

    [Fact]
    public void Triggers_turned_off_stay_quiet()
    {
        var off = Alerted with
        {
            Alerts = Alerted.Alerts! with
            {
                Triggers = new AlertTriggers { RunFailed = false, ConsecutiveFailures = 0, NeedsAuthorization = false, ReplayQueueOver = 0, TicketFlowLagOver = null },
            },
            Authorization = new AuthorizationState(true, ConnectedSystem.Acumatica, "password changed", T0),
        };

        Assert.Empty(Kinds(new(off, [Run("r2", RunStatus.Failed), Run("r1", RunStatus.Failed)], 1_000, TimeSpan.FromDays(2))));
    }
}
