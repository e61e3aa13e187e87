using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.Sync.Throughput;

/// <summary>
/// Everything that sets how fast a run goes (<c>Sync:Throughput</c>); the defaults are the tested ones (docs/benchmark.md).
/// A batch is the pages one workflow activity call syncs; a page is one Acumatica read.
/// </summary>
public sealed class ThroughputOptions
{
    public const string SectionName = "Sync:Throughput";

    /// <summary>Records per Acumatica page, and so at most this many Zendesk writes per page (in bulk jobs of ≤ 100). Default 500.</summary>
    [Range(1, 1000, ErrorMessage = SectionName + ":" + nameof(PageSize) + " must be between {1} and {2} (records per Acumatica page).")]
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// Pages one batch (one activity call) syncs; checkpoints are still committed page by page, in order. Default 16: a
    /// batch ends only when its last page's jobs are done, so each batch boundary drains the jobs in flight (at 4 a 10×
    /// tenant at 2,500/min spent a fifth of its time draining; docs/benchmark.md).
    /// </summary>
    [Range(1, 100, ErrorMessage = SectionName + ":" + nameof(PagesPerBatch) + " must be between {1} and {2} (pages one activity call syncs).")]
    public int PagesPerBatch { get; set; } = 16;

    /// <summary>
    /// Pages of a batch in flight at once, only when that cannot change the outcome (docs/sync-model.md). Default 10: a
    /// page of 500 records is 5 bulk jobs, so 10 pages keep Zendesk's 30 jobs per account busy while the next pages are
    /// read and looked up (at 4, 20 jobs at most were in flight; docs/benchmark.md).
    /// </summary>
    [Range(1, 16, ErrorMessage = SectionName + ":" + nameof(PipelineDepth) + " must be between {1} and {2} (pages of a batch in flight at once).")]
    public int PipelineDepth { get; set; } = 10;

    /// <summary>Bulk jobs and <c>show_many</c> lookups of one page in flight; above <see cref="MaxConcurrentBulkJobs"/> they queue. Default 8.</summary>
    [Range(1, 30, ErrorMessage = SectionName + ":" + nameof(MaxConcurrentWrites) + " must be between {1} and {2} (bulk jobs of one page in flight).")]
    public int MaxConcurrentWrites { get; set; } = 8;

    /// <summary>
    /// Most bulk jobs one Zendesk account may have in flight from this process (Zendesk queues at most 30). Default 30: the
    /// client's adaptive limit starts here and backs off when Zendesk refuses a job for too many queued (docs/benchmark.md:
    /// 16 jobs kept a 10x tenant at 2,500/min latency-bound).
    /// </summary>
    [Range(1, 30, ErrorMessage = SectionName
        + ":"
        + nameof(MaxConcurrentBulkJobs)
        + " must be between {1} and {2} (Zendesk queues at most 30 jobs per account).")]
    public int MaxConcurrentBulkJobs { get; set; } = 30;

    /// <summary>Zendesk searches run at once for one lookup (users by e-mail, organizations by name: one search each). Default 4.</summary>
    [Range(1, 16, ErrorMessage = SectionName + ":" + nameof(ZendeskSearchConcurrency) + " must be between {1} and {2} (Zendesk searches at once).")]
    public int ZendeskSearchConcurrency { get; set; } = 4;

    /// <summary>Acumatica records read at once by key during a replay (Acumatica has no batch read by key). Default 4.</summary>
    [Range(1, 16, ErrorMessage = SectionName + ":" + nameof(ReplayReadConcurrency) + " must be between {1} and {2} (Acumatica reads at once in a replay).")]
    public int ReplayReadConcurrency { get; set; } = 4;
}
