using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Benchmarks.IntegrationTests;

/// <summary>The <c>--profile</c> report: speedscope stretches on CPU go to the stage of their innermost own frame.</summary>
public sealed class ProfileStagesTests
{
    private static readonly string[] Frames =
    [
        "System.Private.CoreLib!System.Threading.ThreadPoolWorkQueue.Dispatch()", // 0
        "AcumaticaZendesk.Sync!AcumaticaZendesk.Sync.Engine.PagePipeline+<RunAsync>d__1.MoveNext()", // 1
        "AcumaticaZendesk.Sync!AcumaticaZendesk.Sync.Fingerprints.Fingerprint.Of(!!0)", // 2
        "System.Text.Json!System.Text.Json.JsonSerializer.SerializeToNode(!!0)", // 3
        "CPU_TIME", // 4
        "UNMANAGED_CODE_TIME", // 5
        "AcumaticaZendesk.Acumatica!AcumaticaZendesk.Acumatica.Reading.AcumaticaRecordReader.TryRead(value class JsonElement)", // 6
        "System.Private.CoreLib!System.Threading.LowLevelSpinWaiter.Wait(int32,int32,bool)", // 7
        "AcumaticaZendesk.Benchmarks!AcumaticaZendesk.Benchmarks.EngineLoad.RunAsync()", // 8
        "AcumaticaZendesk.Sync!System.Text.RegularExpressions.Generated.<RegexGenerator_g>F1_Email.Scan()", // 9
    ];

    [Fact]
    public void On_cpu_time_goes_to_the_innermost_own_frame_s_stage_waiting_counts_nothing_and_a_rare_sample_counts_at_most_twenty_ms()
    {
        var path = Write(
            // 10 ms on CPU in System.Text.Json under Fingerprint.Of (under the engine): fingerprints.
            Stack(0, [0, 1, 2, 3], 4) +
            // 30 ms blocked under the Acumatica reader: not CPU, counts nothing.
            Stack(10, [0, 6], 5, 30) +
            // 10 ms on CPU in the reader: Acumatica read and parse.
            Stack(40, [0, 6], 4) +
            // 500 ms on CPU spin-waiting with no own frame, but a stale sample: at most 20 ms.
            Stack(50, [0, 7], 4, 500) +
            // 10 ms in the bench's own code under nothing of the connector: the runtime's; 10 ms in a generated regex of Sync.
            Stack(550, [8], 4) + Stack(560, [0, 9], 4));

        var stages = ProfileStages.Read(path, cpuSeconds: 0.6, records: 2000).ToDictionary(s => s.Stage, s => s.Share);

        Assert.Equal(10 / 60.0, stages["fingerprints"], 6);
        Assert.Equal(10 / 60.0, stages["Acumatica read and parse"], 6);
        Assert.Equal(20 / 60.0, stages[ProfileStages.Spinning], 6);
        Assert.Equal(10 / 60.0, stages[ProfileStages.Runtime], 6);
        Assert.Equal(10 / 60.0, stages["engine (planning, batching, bookkeeping)"], 6);
        Assert.Equal(1.0, stages.Values.Sum(), 6);
        var fingerprints = ProfileStages.Read(path, cpuSeconds: 0.6, records: 2000).Single(s => s.Stage == "fingerprints");
        Assert.Equal(600.0 / 6 / 2, fingerprints.MsPer1000Records, 6); // a sixth of 600 ms over 2 × 1,000 records
    }

    /// <summary>Opens <paramref name="frames"/> (outermost first) and the leaf at <paramref name="at"/>, closes all after <paramref name="ms"/>.</summary>
    private static string Stack(double at, int[] frames, int leaf, double ms = 10)
    {
        var events = new List<string>();
        foreach (var f in frames.Append(leaf))
            events.Add($$"""{"type":"O","frame":{{f}},"at":{{at}}}""");
        foreach (var f in frames.Append(leaf).Reverse())
            events.Add($$"""{"type":"C","frame":{{f}},"at":{{at + ms}}}""");
        return string.Join(',', events) + ',';
    }

    private static string Write(string events)
    {
        var json = new JsonObject
        {
            ["shared"] = new JsonObject { ["frames"] = new JsonArray([.. Frames.Select(f => (JsonNode)new JsonObject { ["name"] = f })]) },
            ["profiles"] = new JsonArray(JsonNode.Parse($$"""{"type":"evented","events":[{{events.TrimEnd(',')}}]}""")),
        };
        var path = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.speedscope.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}
