using System.Text.Json;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>One stage's share of the traced child's managed CPU samples and what that makes per 1,000 records.</summary>
public sealed record StageCpu(string Stage, double Share, double MsPer1000Records);

/// <summary>
/// Reads the speedscope file <c>dotnet-trace</c> wrote for the traced memory child and splits its on-CPU time by stage.
/// Each stretch a thread spent in managed code (the <c>CPU_TIME</c> pseudo-frame of sampled thread time) goes to the
/// innermost frame of the connector's own assemblies on that stack (work System.Text.Json or HttpClient does for a
/// connector method counts for that method's stage), by namespace (<see cref="StageOf"/>); a stack with none of them is
/// the runtime's. A stretch counts at most <see cref="MaxStretchMs"/>: a thread sampled rarely (the finalizer) would
/// otherwise carry the whole gap since its last sample. The shares times the child's measured load CPU give CPU ms per
/// 1,000 records by stage (the trace also covers the child's start-up; its JIT and DI work fall under "runtime").
/// </summary>
internal static class ProfileStages
{
    public const double MaxStretchMs = 20;

    private const string OwnAssemblies = "AcumaticaZendesk.";
    private const string CpuFrame = "CPU_TIME";

    /// <summary>Stages by namespace prefix of the innermost own frame, the longest matching prefix first.</summary>
    private static readonly (string Prefix, string Stage)[] Stages =
    [
        ("AcumaticaZendesk.Zendesk.Jobs.", "job polling"),
        ("AcumaticaZendesk.Zendesk.Organizations.", "Zendesk lookups and bulk payloads"),
        ("AcumaticaZendesk.Zendesk.Users.", "Zendesk lookups and bulk payloads"),
        ("AcumaticaZendesk.Zendesk.Http.ZendeskJson", "Zendesk lookups and bulk payloads"),
        ("AcumaticaZendesk.Zendesk.", "HTTP plumbing (clients, egress, auth)"),
        ("AcumaticaZendesk.Connectors.Egress.", "HTTP plumbing (clients, egress, auth)"),
        ("AcumaticaZendesk.Connectors.Gate.", "HTTP plumbing (clients, egress, auth)"),
        ("AcumaticaZendesk.Acumatica.", "Acumatica read and parse"),
        ("AcumaticaZendesk.Connectors.Acumatica.", "Acumatica read and parse"),
        ("AcumaticaZendesk.Sync.Source.", "Acumatica read and parse"),
        ("AcumaticaZendesk.Sync.Mapping.", "mapping"),
        ("AcumaticaZendesk.Sync.Fingerprints.", "fingerprints"),
        ("AcumaticaZendesk.Sync.Engine.AccountDirectory", "Zendesk lookups and bulk payloads"),
        ("AcumaticaZendesk.Connectors.Zendesk.", "Zendesk lookups and bulk payloads"),
        ("AcumaticaZendesk.Sync.State.", "state (checkpoints, targets, audit)"),
        ("AcumaticaZendesk.Sync.Paging.", "state (checkpoints, targets, audit)"),
        ("AcumaticaZendesk.Sync.Audit.", "state (checkpoints, targets, audit)"),
        ("AcumaticaZendesk.Sync.Credentials.", "state (checkpoints, targets, audit)"),
        ("AcumaticaZendesk.Sync.Tenants.", "state (checkpoints, targets, audit)"),
        ("AcumaticaZendesk.", "engine (planning, batching, bookkeeping)"),
    ];

    public const string Spinning = "runtime: thread-pool spin-waiting";
    public const string Runtime = "runtime (thread pool, HTTP, GC, JIT, start-up)";

    /// <summary>The stage of a stack: its innermost own frame's, else the runtime's (spin-waiting apart).</summary>
    public static string StageOf(IReadOnlyList<string> stack)
    {
        for (var i = stack.Count - 1; i >= 0; i--)
        {
            var method = OwnMethod(stack[i]);
            if (method is not null)
                return Stages.First(s => method.StartsWith(s.Prefix, StringComparison.Ordinal)).Stage;
        }

        return stack.Any(f => f.Contains("LowLevelSpinWaiter", StringComparison.Ordinal)) ? Spinning : Runtime;
    }

    /// <summary>CPU by stage, most first; <paramref name="cpuSeconds"/> over <paramref name="records"/> is the child's measured load.</summary>
    public static IReadOnlyList<StageCpu> Read(string speedscopePath, double cpuSeconds, int records)
    {
        using var stream = File.OpenRead(speedscopePath);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        var frames = root.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString() ?? "").ToArray();
        var byStage = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var profile in root.GetProperty("profiles").EnumerateArray())
        {
            var stack = new List<string>();
            double? last = null;
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                if (last is { } since && stack.Count > 0 && stack[^1] == CpuFrame)
                {
                    var stage = StageOf(stack);
                    byStage[stage] = byStage.GetValueOrDefault(stage) + Math.Min(at - since, MaxStretchMs);
                }

                last = at;
                if (e.GetProperty("type").GetString() == "O")
                    stack.Add(frames[e.GetProperty("frame").GetInt32()]);
                else if (stack.Count > 0)
                    stack.RemoveAt(stack.Count - 1);
            }
        }

        var total = byStage.Values.Sum();
        if (total <= 0 || records <= 0)
            return [];
        return [.. byStage.OrderByDescending(kv => kv.Value).Select(kv => new StageCpu(
            kv.Key, kv.Value / total, kv.Value / total * cpuSeconds * 1000 / records * 1000))];
    }

    /// <summary>
    /// "Module!Namespace.Type.Method(args)" of the connector's own assemblies (not the bench's): the part after '!', or the
    /// module's name before it when the code is generated into another namespace (source-generated regexes, logging).
    /// </summary>
    private static string? OwnMethod(string frame)
    {
        var bang = frame.IndexOf('!', StringComparison.Ordinal);
        var bench = frame.StartsWith("AcumaticaZendesk.Benchmarks", StringComparison.Ordinal);
        if (bang <= 0 || bench || !frame.StartsWith(OwnAssemblies, StringComparison.Ordinal))
            return null;
        var method = frame[(bang + 1)..];
        return method.StartsWith(OwnAssemblies, StringComparison.Ordinal) ? method : $"{frame[..bang]}.{method}";
    }
}
