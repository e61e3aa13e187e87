using System.Text.Json;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

/// <summary>The workflow's custom status is what operators read on "show run": the kind is a name, not a number.</summary>
public sealed class TenantSyncStatusTests
{
    [Fact]
    public void The_current_kind_is_serialized_by_name_and_reads_back()
    {
        var status = new TenantSyncStatus("acme", EntityKind.Contact, 2, new SyncCounts(3, 30, 20, 5, 5, 0, 0));

        var json = JsonSerializer.Serialize(status, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<TenantSyncStatus>(json, JsonSerializerOptions.Web);

        Assert.Contains("\"currentKind\":\"Contact\"", json, StringComparison.Ordinal);
        Assert.Equal(status, back);
    }

    [Fact]
    public void No_current_kind_is_null()
    {
        var json = JsonSerializer.Serialize(new TenantSyncStatus("acme", null, 0, SyncCounts.None), JsonSerializerOptions.Web);

        Assert.Contains("\"currentKind\":null", json, StringComparison.Ordinal);
    }
}
