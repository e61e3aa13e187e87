using System.Text.Json.Serialization;

namespace AcumaticaZendesk.Sandbox.Control;

/// <summary>Injected faults for one simulated system. All members are optional knobs; defaults inject nothing.</summary>
public sealed class FaultSettings
{
    /// <summary>Probability (0..1) that a request fails with one of <see cref="ErrorStatusCodes"/>.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Status codes drawn for injected errors (default 500, 503).</summary>
    public IList<int> ErrorStatusCodes { get; set; } = [500, 503];

    /// <summary>Added latency per request, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Probability (0..1) that the connection is aborted without a response.</summary>
    public double DropRate { get; set; }

    /// <summary>The next N requests are dropped like <see cref="DropRate"/> drops them (deterministic, for tests).</summary>
    public int DropNextCount { get; set; }

    /// <summary>The next N requests fail with <see cref="FailNextStatus"/> (deterministic, for tests).</summary>
    public int FailNextCount { get; set; }

    /// <summary>Status used by <see cref="FailNextCount"/>.</summary>
    public int FailNextStatus { get; set; } = 503;

    /// <summary>
    /// <see cref="FailNextCount"/> and <see cref="DropNextCount"/> apply only to requests whose "METHOD path" contains
    /// this text (e.g. <c>GET /acumatica/demo/entity/</c>); any request when empty.
    /// </summary>
    public string? NextRequestContains { get; set; }

    /// <summary>
    /// Probability (0..1) that a request is answered <see cref="SlowMs"/> late. The request is processed first (a
    /// write is applied), then the answer is held back: a client that gives up meanwhile never learns the outcome.
    /// </summary>
    public double SlowRate { get; set; }

    /// <summary>Delay of a slow answer (<see cref="SlowRate"/>), in milliseconds.</summary>
    public int SlowMs { get; set; }

    /// <summary>Only answers to paths containing this text are slow (e.g. <c>/entity/</c>, <c>/api/v2/</c>); any path when empty.</summary>
    public string? SlowPathContains { get; set; }

    /// <summary>The next N answers to matching paths are slow (deterministic, besides <see cref="SlowRate"/>).</summary>
    public int SlowNextCount { get; set; }

    /// <summary>
    /// Probability (0..1) that a successful (2xx) answer whose path contains <see cref="MalformedPathContains"/> (any
    /// path when empty) is replaced by a malformed one of kind <see cref="MalformedKind"/>; the request itself is
    /// processed as usual.
    /// </summary>
    public double MalformedRate { get; set; }

    /// <summary>Only answers to paths containing this text are malformed (e.g. <c>show_many</c>, <c>job_statuses</c>).</summary>
    public string? MalformedPathContains { get; set; }

    /// <summary>How an answer is malformed.</summary>
    public MalformedResponse MalformedKind { get; set; } = MalformedResponse.NotJson;

    /// <summary>Bytes of padding an <see cref="MalformedResponse.Oversized"/> answer carries (default 8 MiB).</summary>
    public int OversizedBytes { get; set; } = 8 * 1024 * 1024;
}

/// <summary>Ways <see cref="FaultSettings.MalformedRate"/> breaks an answer (status 200 and JSON content type are kept).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MalformedResponse>))]
public enum MalformedResponse
{
    /// <summary>The body is not JSON (an HTML error page from a proxy).</summary>
    NotJson,

    /// <summary>JSON cut off halfway.</summary>
    Truncated,

    /// <summary>Every <c>id</c> in the first array of objects becomes a non-numeric string.</summary>
    NonNumericId,

    /// <summary>The JSON is kept and padded with a string member of <see cref="FaultSettings.OversizedBytes"/>.</summary>
    Oversized,
}
