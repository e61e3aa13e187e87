using System.Globalization;

namespace AcumaticaZendesk.EmbeddedHost.EndToEndTests;

/// <summary>Reads samples from the Prometheus text exposition format that <c>/metrics</c> answers.</summary>
internal static class PrometheusText
{
    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include every one of <paramref name="labels"/> (<c>key="value"</c>).</summary>
    public static double Sum(string text, string name, params string[] labels)
    {
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            string labelText, rest;
            if (line.StartsWith(name + "{", StringComparison.Ordinal))
            {
                var close = line.LastIndexOf('}');
                labelText = line[(name.Length + 1)..close];
                rest = line[(close + 1)..];
            }
            else if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                labelText = string.Empty;
                rest = line[name.Length..];
            }
            else
            {
                continue;
            }

            var present = labelText.Split(',', StringSplitOptions.TrimEntries);
            if (labels.All(l => present.Contains(l, StringComparer.Ordinal)))
            {
                sum += double.Parse(rest.Trim().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
