using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Testing.Fakes.TestData;

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
            Kinds(
                new(
                    Alerted,
                    [Run("r4", RunStatus.Running), Run("r3", RunStatus.Failed), Run("dry", RunStatus.Completed, dryRun: true), Run("r2", RunStatus.Failed)],
                    0,
                    null)));

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
                Triggers = new AlertTriggers
                {
                    RunFailed = false,
                    ConsecutiveFailures = 0,
                    NeedsAuthorization = false,
                    ReplayQueueOver = 0,
                    TicketFlowLagOver = null
                },
            },
            Authorization = new AuthorizationState(true, ConnectedSystem.Acumatica, "password changed", T0),
        };

        Assert.Empty(Kinds(new(off, [Run("r2", RunStatus.Failed), Run("r1", RunStatus.Failed)], 1_000, TimeSpan.FromDays(2))));
    }

    [Fact]
    public void A_tenant_whose_first_run_is_still_going_has_no_condition() =>
        Assert.Empty(Kinds(new(Alerted, [Run("r1", RunStatus.Running)], 0, null)));

    [Fact]
    public void The_default_triggers_alert_on_a_failed_run_and_on_a_lost_authorization()
    {
        var defaults = Tenant() with
        {
            Alerts = new AlertSettings { Webhook = new WebhookAlertChannel { UrlSecret = "hook" } },
            Authorization = new AuthorizationState(true, ConnectedSystem.Acumatica, "refresh token expired", T0),
        };

        Assert.Equal([AlertKind.RunFailed, AlertKind.NeedsAuthorization], Kinds(new(defaults, [Run("r1", RunStatus.Failed)], 0, null)));
    }

    [Fact]
    public void A_failed_run_without_an_error_says_so()
    {
        var silent = Run("r1", RunStatus.Failed) with { Errors = [] };

        var condition = Assert.Single(AlertEvaluator.Evaluate(new(Alerted, [silent], 0, null)));

        Assert.Equal(("Run r1 failed", "the run record names no error"), (condition.Summary, condition.Detail));
    }

    [Fact]
    public void A_lost_authorization_names_the_system_since_when_and_what_to_do()
    {
        var waiting = Alerted with { Authorization = new AuthorizationState(true, ConnectedSystem.Zendesk, "invalid_grant", T0) };

        var condition = Assert.Single(AlertEvaluator.Evaluate(new(waiting, [], 0, null)));

        Assert.Equal("Zendesk needs a new authorization", condition.Summary);
        Assert.Equal(
            "Zendesk refused the connector's token since 2026-01-05 08:00 UTC (invalid_grant). No run starts until an operator connects it again.",
            condition.Detail);
    }

    [Theory]
    [InlineData(30, 45, "Ticket flow lags 45 min", "The last ticket took 45 min from its change in Zendesk to its activity in Acumatica (alert above 30 min).")]
    [InlineData(60, 90, "Ticket flow lags 1.5 h", "The last ticket took 1.5 h from its change in Zendesk to its activity in Acumatica (alert above 1 h).")]
    public void A_ticket_flow_lag_is_told_in_minutes_under_an_hour_and_in_hours_from_one(int limitMinutes, int lagMinutes, string summary, string detail)
    {
        var tenant = Alerted with { Alerts = Alerted.Alerts! with { Triggers = new AlertTriggers { TicketFlowLagOver = TimeSpan.FromMinutes(limitMinutes) } } };

        var condition = Assert.Single(AlertEvaluator.Evaluate(new(tenant, [], 0, TimeSpan.FromMinutes(lagMinutes))));

        Assert.Equal((summary, detail), (condition.Summary, condition.Detail));
    }
}
