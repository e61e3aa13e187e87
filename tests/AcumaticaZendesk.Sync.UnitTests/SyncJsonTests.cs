using System.Security.Cryptography;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Fingerprints;
using AcumaticaZendesk.Sync.Json;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>The core's JSON settings are shared by the seed file and every fingerprint, so nobody may change them.</summary>
public sealed class SyncJsonTests
{
    [Fact]
    public void A_host_cannot_change_the_shared_json_settings_and_with_them_every_stored_fingerprint()
    {
        Assert.Throws<InvalidOperationException>(() => SyncJson.Options.DefaultIgnoreCondition = JsonIgnoreCondition.Never);
        Assert.Throws<InvalidOperationException>(() => SyncJson.Options.Converters.Add(new JsonStringEnumConverter()));
        // Still the settings every stored fingerprint was made with: nulls dropped, camelCase.
        Assert.Equal(
            "v1:" + Convert.ToHexStringLower(SHA256.HashData("""{"name":"Initrode"}"""u8)),
            Fingerprint.Of(new { Name = "Initrode", Note = (string?)null }));
    }
}
