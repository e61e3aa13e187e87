using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Engine;

internal static class Batching
{
    /// <summary>Calls <paramref name="call"/> with chunks of at most <see cref="IZendeskTarget.MaxBatch"/>; results in chunk order.</summary>
    public static async Task<List<TResult>> InChunksAsync<TItem, TResult>(
        IReadOnlyCollection<TItem> items, Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> call, int maxConcurrent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        using var slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        var tasks = new List<Task<IReadOnlyList<TResult>>>();
        foreach (var chunk in items.Chunk(IZendeskTarget.MaxBatch))
        {
            await slots.WaitAsync().ConfigureAwait(false);
            tasks.Add(ReleasingAsync(slots, () => call(chunk)));
        }

        var results = new List<TResult>(items.Count);
        foreach (var found in await Task.WhenAll(tasks).ConfigureAwait(false))
        {
            results.AddRange(found);
        }

        return results;
    }

    /// <summary>
    /// Writes in chunks and hands each item its result; returns only when every chunk completed or threw (results of the
    /// completed applied), since callers commit the checkpoint after this: a crash replays the page instead of losing writes.
    /// </summary>
    public static async Task WriteAsync<TItem>(
        IReadOnlyList<(WorkItem Item, TItem Write)> writes,
        Func<IReadOnlyList<TItem>, Task<IReadOnlyList<WriteResult>>> call,
        Action<WorkItem, WriteResult> apply,
        int maxConcurrent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        var chunks = writes.Chunk(IZendeskTarget.MaxBatch).ToArray();
        if (chunks.Length == 0)
        {
            return;
        }

        using var slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        var tasks = new Task<IReadOnlyList<WriteResult>>[chunks.Length];
        for (var c = 0; c < chunks.Length; c++)
        {
            await slots.WaitAsync().ConfigureAwait(false);
            var chunk = chunks[c].Select(w => w.Write).ToArray();
            tasks[c] = ReleasingAsync(slots, () => call(chunk));
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            for (var c = 0; c < chunks.Length; c++)
            {
                if (tasks[c].IsCompletedSuccessfully)
                {
                    Apply(chunks[c], tasks[c].Result, apply);
                }
            }
        }
    }

    private static async Task<T> ReleasingAsync<T>(SemaphoreSlim slots, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The usual outcome of a write: the record's Zendesk id, or the record fails with the API's error.</summary>
    public static void ApplyWrite(WorkItem item, WriteResult result)
    {
        if (result.Success)
        {
            item.ZendeskId = result.Id;
        }
        else
        {
            item.Fail(result.Error ?? new WriteError(WriteErrorKind.Other, "NoId", "Zendesk returned no id."));
        }
    }

    private static void Apply<TItem>((WorkItem Item, TItem Write)[] chunk, IReadOnlyList<WriteResult> results, Action<WorkItem, WriteResult> apply)
    {
        for (var i = 0; i < chunk.Length; i++)
        {
            var result = results.FirstOrDefault(r => r.Index == i)
                ?? new WriteResult(i, null, new WriteError(WriteErrorKind.Other, "MissingResult", "Zendesk returned no result for this item."));
            apply(chunk[i].Item, result);
        }
    }
}
