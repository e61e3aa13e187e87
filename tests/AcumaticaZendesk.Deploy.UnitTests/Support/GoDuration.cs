namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>Go durations as the deploy files write them for Dapr (whole hours, such as <c>168h</c>).</summary>
internal static class GoDuration
{
    public static int Hours(string? duration)
    {
        var match = System.Text.RegularExpressions.Regex.Match(duration ?? string.Empty, "^([0-9]+)h$");
        Assert.True(match.Success, $"'{duration}' is not a duration in whole hours such as 168h");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
