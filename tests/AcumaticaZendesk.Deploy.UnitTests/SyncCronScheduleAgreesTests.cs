using System.Globalization;
using System.Text.Json;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using AcumaticaZendesk.SyncWorker.Scheduling;
using YamlDotNet.RepresentationModel;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// Every <c>sync-cron</c> binding (local, Kubernetes; the Bicep one in <see cref="AzureContainerAppsTests"/>) fires at the
/// start of each slot of the <c>SyncSchedule:Interval</c> its sync worker runs with: a wall-clock schedule, never
/// <c>@every</c>, so all replicas tick together and no slot is skipped or split.
/// </summary>
public sealed class SyncCronScheduleAgreesTests
{
    private static TimeSpan AppSettingsInterval
    {
        get
        {
            using var json = JsonDocument.Parse(File.ReadAllText(RepoPaths.Combine("src", "AcumaticaZendesk.SyncWorker", "appsettings.json")));
            return TimeSpan.Parse(json.RootElement.GetProperty("SyncSchedule").GetProperty("Interval").GetString()!, CultureInfo.InvariantCulture);
        }
    }

    private static string ScheduleOf(IEnumerable<ComponentView> components) =>
        components.Single(c => c.Name == DaprNames.Components.SyncCron).Metadata.Single(m => m.Name == "schedule").Value!;

    [Fact]
    public void The_local_binding_fires_at_the_start_of_every_slot_of_the_app_settings_interval()
    {
        var schedule = ScheduleOf(DaprResourceSets.LocalComponents);

        Assert.Empty(CronAgreement.Problems("components/sync-cron.yaml", schedule, AppSettingsInterval));
        Assert.Equal(SyncCronSchedule.For(AppSettingsInterval), schedule);
    }

    [Fact]
    public void The_Kubernetes_binding_fires_at_the_start_of_every_slot_of_the_sync_worker_interval()
    {
        var schedule = ScheduleOf(DaprResourceSets.Components(DaprResourceSets.KubernetesBase));
        var deployment = DaprResourceSets.Kubernetes.Single(m => m.Kind == "Deployment" && m.Name == DaprNames.AppIds.SyncWorker);
        var env = deployment.Node("spec", "template", "spec", "containers").Items().Single().At("env").Items();
        var setting = env.SingleOrDefault(e => e.ScalarAt("name") == "SyncSchedule__Interval")?.ScalarAt("value");
        var interval = setting is null ? AppSettingsInterval : TimeSpan.Parse(setting, CultureInfo.InvariantCulture);

        Assert.Empty(CronAgreement.Problems("deploy/kubernetes/base/dapr/sync-cron.yaml", schedule, interval));

        // No overlay changes one side without the other.
        var overlays = DaprResourceSets.Kubernetes.Where(m => m.File.Contains("/overlays/", StringComparison.Ordinal));
        Assert.DoesNotContain(overlays, m => File.ReadAllText(m.File).Contains("SyncSchedule", StringComparison.Ordinal)
            || File.ReadAllText(m.File).Contains(DaprNames.Components.SyncCron, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("@every 1m", 1)]
    [InlineData("@every 5m", 1)]
    [InlineData("0 */5 * * * *", 1)]
    [InlineData("0 */20 * * * *", 20)]
    [InlineData("CRON_TZ=UTC 0 */10 * * * *", 5)]
    [InlineData("CRON_TZ=UTC 30 */5 * * * *", 5)]
    public void A_schedule_that_drifts_per_sidecar_or_misses_slot_starts_is_refused(string schedule, int minutes)
    {
        Assert.NotEmpty(CronAgreement.Problems("example", schedule, TimeSpan.FromMinutes(minutes)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(60)]
    [InlineData(360)]
    [InlineData(1440)]
    public void The_schedule_for_each_valid_interval_fires_at_every_slot_start(int minutes)
    {
        var interval = TimeSpan.FromMinutes(minutes);

        Assert.Empty(CronAgreement.Problems("SyncCronSchedule.For", SyncCronSchedule.For(interval), interval));
    }
}
