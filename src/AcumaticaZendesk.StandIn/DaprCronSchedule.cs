using System.Globalization;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// A <c>bindings.cron</c> schedule as daprd reads it: components-contrib <c>bindings/cron/cron.go</c> parses with
/// dapr/kit <c>cron/parser.go</c> (<c>SecondOptional | Minute | Hour | Dom | Month | Dow | Descriptor</c>): five fields,
/// or six with seconds first; <c>*</c>, <c>?</c>, lists, ranges, steps and month/day names; the descriptors
/// <c>@yearly</c> … <c>@hourly</c> and <c>@every &lt;duration&gt;</c>; an optional <c>CRON_TZ=</c>/<c>TZ=</c> prefix, else the
/// process's local zone (UTC in the daprd image, which sets no TZ). Field schedules are wall-clock aligned
/// (<c>cron/spec.go</c> <c>Next</c>); <c>@every</c> is a constant delay counted from the previous fire, the first one from
/// the moment the binding starts reading (<c>cron/constantdelay.go</c>), so it drifts per sidecar.
/// </summary>
public sealed class DaprCronSchedule
{
    private static readonly Dictionary<string, int> MonthNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["jan"] = 1,
        ["feb"] = 2,
        ["mar"] = 3,
        ["apr"] = 4,
        ["may"] = 5,
        ["jun"] = 6,
        ["jul"] = 7,
        ["aug"] = 8,
        ["sep"] = 9,
        ["oct"] = 10,
        ["nov"] = 11,
        ["dec"] = 12,
    };

    private static readonly Dictionary<string, int> DayNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sun"] = 0,
        ["mon"] = 1,
        ["tue"] = 2,
        ["wed"] = 3,
        ["thu"] = 4,
        ["fri"] = 5,
        ["sat"] = 6,
    };

    private readonly Field? second;
    private readonly Field? minute;
    private readonly Field? hour;
    private readonly Field? dayOfMonth;
    private readonly Field? month;
    private readonly Field? dayOfWeek;

    private DaprCronSchedule(string text, TimeZoneInfo zone, TimeSpan? every, Field[]? fields)
    {
        Text = text;
        Zone = zone;
        Every = every;
        if (fields is not null)
        {
            (second, minute, hour, dayOfMonth, month, dayOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
        }
    }

    public string Text { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The delay of an <c>@every</c> schedule (not wall-clock aligned); null for field schedules.</summary>
    public TimeSpan? Every { get; }

    /// <summary>True when every fire time follows from the clock alone (not from when the sidecar started).</summary>
    public bool IsWallClockAligned => Every is null;

    /// <summary>Parses like daprd's cron binding <c>Init</c>; a schedule daprd refuses throws <see cref="FormatException"/>.</summary>
    /// <param name="localZone">The daprd process's <c>time.Local</c> (UTC unless the container sets TZ).</param>
    public static DaprCronSchedule Parse(string schedule, TimeZoneInfo? localZone = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var text = schedule;
        var zone = localZone ?? TimeZoneInfo.Utc;
        var spec = schedule;
        if (spec.Length == 0)
        {
            throw new FormatException("empty spec string");
        }

        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOfAny([' ', '\t']);
            if (space < 0)
            {
                throw new FormatException($"timezone prefix {spec} is not followed by a schedule");
            }

            var name = spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..space];
            zone = name == "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(name);
            spec = spec[space..].Trim();
        }

        if (spec.StartsWith('@'))
        {
            return ParseDescriptor(text, spec, zone);
        }

        var fields = spec.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 5 or > 6)
        {
            throw new FormatException($"expected 5 to 6 fields, found {fields.Length}: [{string.Join(' ', fields)}]");
        }

        if (fields.Length == 5)
        {
            fields = ["0", .. fields];
        }

        return new DaprCronSchedule(text, zone, null,
        [
            Field.Parse(fields[0], 0, 59, null),
            Field.Parse(fields[1], 0, 59, null),
            Field.Parse(fields[2], 0, 23, null),
            Field.Parse(fields[3], 1, 31, null),
            Field.Parse(fields[4], 1, 12, MonthNames),
            Field.Parse(fields[5], 0, 6, DayNames),
        ]);
    }

    /// <summary>The first fire time strictly after <paramref name="after"/> (<c>Schedule.Next</c>).</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (Every is { } delay)
        {
            // constantdelay.go: t + delay, rounded down to the millisecond.
            var subMillisecond = after.UtcTicks % TimeSpan.TicksPerMillisecond;
            return after.Add(delay).AddTicks(-subMillisecond);
        }

        // spec.go: the next whole second whose fields all match, in the schedule's zone.
        var t = TimeZoneInfo.ConvertTime(after, Zone);
        t = t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!month!.Matches(t.Month))
            {
                t = AtZone(new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1));
                continue;
            }

            if (!DayMatches(t))
            {
                t = AtZone(t.Date.AddDays(1));
                continue;
            }

            if (!hour!.Matches(t.Hour))
            {
                t = AtZone(t.Date.AddHours(t.Hour + 1));
                continue;
            }

            if (!minute!.Matches(t.Minute))
            {
                t = AtZone(t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1));
                continue;
            }

            if (!second!.Matches(t.Second))
            {
                t = t.AddSeconds(1);
                continue;
            }

            return t.ToUniversalTime();
        }

        throw new InvalidOperationException($"The schedule '{Text}' never fires within five years after {after:O}");
    }

    /// <summary>Fire times of a binding that started reading at <paramref name="startedAt"/>, up to and including <paramref name="until"/>.</summary>
    public IEnumerable<DateTimeOffset> FireTimes(DateTimeOffset startedAt, DateTimeOffset until)
    {
        for (var t = Next(startedAt); t <= until; t = Next(t))
        {
            yield return t;
        }
    }

    private DateTimeOffset AtZone(DateTime local) => new(local, Zone.GetUtcOffset(local));

    // spec.go dayMatches: when either day field is a star, both must match; otherwise either one.
    private bool DayMatches(DateTimeOffset t)
    {
        var dom = dayOfMonth!.Matches(t.Day);
        var dow = dayOfWeek!.Matches((int)t.DayOfWeek);
        return dayOfMonth.IsStar || dayOfWeek.IsStar ? dom && dow : dom || dow;
    }

    private static DaprCronSchedule ParseDescriptor(string text, string spec, TimeZoneInfo zone)
    {
        const string every = "@every ";
        if (spec.StartsWith(every, StringComparison.Ordinal))
        {
            var delay = GoDuration.Parse(spec[every.Length..]);
            delay = delay < TimeSpan.FromMilliseconds(1)
                ? TimeSpan.FromMilliseconds(1)
                : delay - TimeSpan.FromTicks(delay.Ticks % TimeSpan.TicksPerMillisecond);
            return new DaprCronSchedule(text, zone, delay, null);
        }

        var fields = spec switch
        {
            "@yearly" or "@annually" => "0 0 0 1 1 *",
            "@monthly" => "0 0 0 1 * *",
            "@weekly" => "0 0 0 * * 0",
            "@daily" or "@midnight" => "0 0 0 * * *",
            "@hourly" => "0 0 * * * *",
            _ => throw new FormatException($"unrecognized descriptor: {spec}"),
        };
        var parsed = Parse(fields, zone);
        return new DaprCronSchedule(text, zone, null,
            [parsed.second!, parsed.minute!, parsed.hour!, parsed.dayOfMonth!, parsed.month!, parsed.dayOfWeek!]);
    }

    private sealed class Field
    {
        private readonly ulong bits;

        private Field(ulong bits, bool isStar)
        {
            this.bits = bits;
            IsStar = isStar;
        }

        public bool IsStar { get; }

        public bool Matches(int value) => (bits & (1UL << value)) != 0;

        // parser.go getField/getRange: comma lists of "*", "?", "n", "a-b", each with an optional "/step".
        public static Field Parse(string field, int min, int max, Dictionary<string, int>? names)
        {
            ulong bits = 0;
            var star = false;
            foreach (var expr in field.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var rangeAndStep = expr.Split('/');
                var lowAndHigh = rangeAndStep[0].Split('-');
                int start, end;
                var isStar = lowAndHigh[0] is "*" or "?";
                if (isStar)
                {
                    (start, end) = (min, max);
                }
                else
                {
                    start = Number(lowAndHigh[0], names);
                    end = lowAndHigh.Length switch
                    {
                        1 => start,
                        2 => Number(lowAndHigh[1], names),
                        _ => throw new FormatException($"too many hyphens: {expr}"),
                    };
                }

                var step = 1;
                if (rangeAndStep.Length == 2)
                {
                    step = Number(rangeAndStep[1], null);
                    if (lowAndHigh.Length == 1)
                    {
                        end = max;
                    }
                }
                else if (rangeAndStep.Length > 2)
                {
                    throw new FormatException($"too many slashes: {expr}");
                }

                if (start < min || end > max || start > end || step == 0)
                {
                    throw new FormatException($"range out of bounds ({min}-{max}) or empty: {expr}");
                }

                star |= isStar && step == 1;
                for (var i = start; i <= end; i += step)
                {
                    bits |= 1UL << i;
                }
            }

            return new Field(bits, star);
        }

        private static int Number(string text, Dictionary<string, int>? names) =>
            names is not null && names.TryGetValue(text, out var named) ? named
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new FormatException($"failed to parse int from {text}");
    }

    /// <summary>Go's <c>time.ParseDuration</c> for the units a schedule uses (h, m, s, ms), e.g. <c>1h30m</c>.</summary>
    private static class GoDuration
    {
        public static TimeSpan Parse(string text)
        {
            var total = TimeSpan.Zero;
            var i = 0;
            if (text.Length == 0)
            {
                throw new FormatException("failed to parse duration: empty");
            }

            while (i < text.Length)
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                var unitStart = i;
                while (i < text.Length && !char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (start == unitStart || !double.TryParse(text[start..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                {
                    throw new FormatException($"failed to parse duration {text}");
                }

                total += text[unitStart..i] switch
                {
                    "h" => TimeSpan.FromHours(value),
                    "m" => TimeSpan.FromMinutes(value),
                    "s" => TimeSpan.FromSeconds(value),
                    "ms" => TimeSpan.FromMilliseconds(value),
                    var unit => throw new FormatException($"unknown unit \"{unit}\" in duration {text}"),
                };
            }

            return total;
        }
    }
}
