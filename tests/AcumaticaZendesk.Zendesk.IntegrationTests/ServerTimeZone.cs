[assembly: AssemblyFixture(typeof(AcumaticaZendesk.Zendesk.IntegrationTests.ServerTimeZone))]

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>
/// Runs this assembly's tests as on a server whose local time zone is not UTC (India, +05:30, no daylight saving):
/// the Zendesk client must read and write every time in UTC whatever the zone of the machine it runs on, and a test
/// host in UTC (CI, containers) would hide a time read in the local zone. .NET on Linux reads the zone from
/// <c>TZ</c> (a name under /usr/share/zoneinfo); on a machine without that database it stays UTC and
/// <see cref="IsUtc"/> says so.
/// </summary>
public sealed class ServerTimeZone
{
    public const string Name = "Asia/Kolkata";

    public ServerTimeZone()
    {
        Environment.SetEnvironmentVariable("TZ", Name);
        TimeZoneInfo.ClearCachedData();
    }

    /// <summary>True when the zone could not be set (no time-zone database) and local time is still UTC.</summary>
    public static bool IsUtc => TimeZoneInfo.Local.BaseUtcOffset == TimeSpan.Zero;
}
