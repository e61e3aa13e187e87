using System.Text.Json;

namespace AcumaticaZendesk.Zendesk;

/// <summary>A background job (<c>create_many</c>, <c>update_many</c>, <c>create_or_update_many</c>).</summary>
public sealed record ZendeskJobStatus
{
    public string Id { get; init; } = "";

    /// <summary><c>queued</c>, <c>working</c>, <c>completed</c> or <c>failed</c> (also <c>killed</c>).</summary>
    public string Status { get; init; } = "";

    public int? Total { get; init; }

    public int? Progress { get; init; }

    public string? Message { get; init; }

    public string? Url { get; init; }

    /// <summary>Raw results: an array of per-item entries (or an object on some job types).</summary>
    public JsonElement? Results { get; init; }

    public bool IsFinished => Status is "completed" or "failed" or "killed";
}

/// <summary>One entry of a job's <c>results</c>.</summary>
public sealed record ZendeskJobResult
{
    public long? Id { get; init; }

    public int? Index { get; init; }

    public string? ExternalId { get; init; }

    /// <summary>The user's email, in live <c>create_or_update_many</c> results (which carry no <c>index</c>).</summary>
    public string? Email { get; init; }

    public string? Action { get; init; }

    public bool? Success { get; init; }

    public string? Status { get; init; }

    public string? Error { get; init; }

    public JsonElement? Details { get; init; }
}

/// <summary>
/// What happened to one record of a bulk write, mapped back to the caller's list by <see cref="Index"/>.
/// A failure (for example a duplicate name) is a value here, not an exception.
/// </summary>
/// <param name="Index">Position in the list the caller passed.</param>
/// <param name="Id">Zendesk id of the created or updated record.</param>
/// <param name="ExternalId">The record's external_id as the caller sent it.</param>
/// <param name="Action">Zendesk's action (<c>create</c>, <c>update</c>, …), when reported.</param>
/// <param name="Error">Null when the record succeeded.</param>
/// <param name="JobId">The job that carried it; null for single-call fallbacks.</param>
public sealed record ZendeskBulkItemResult(int Index, long? Id, string? ExternalId, string? Action, ZendeskRecordError? Error, string? JobId)
{
    public bool Succeeded => Error is null;
}
