using System.Globalization;

namespace AcumaticaZendesk.OperatorConsole;

/// <summary>Times and durations in words, the same on every page.</summary>
public static class Format
{
    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        var future = span < TimeSpan.Zero;
        var words = Duration(future ? -span : span);
        return words == "0 s" ? "now" : future ? $"in {words}" : $"{words} ago";
    }

    public static string Duration(TimeSpan span) =>
        span.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalSeconds):0} s")
        : span.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalMinutes):0} min")
        : span.TotalHours < 48 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalHours):0} h {span.Minutes} min")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalDays):0} days");

    public static string Utc(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";
}
