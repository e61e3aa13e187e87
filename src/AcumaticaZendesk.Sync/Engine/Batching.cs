using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Engine;

internal static class Batching
{
    /// <summary>Calls <paramref name="call"/> with chunks of at most <see cref="IZendeskTarget.MaxBatch"/> and concatenates the results.</summary>
    public static async Task<List<TResult>> InChunksAsync<TItem, TResult>(
        IReadOnlyCollection<TItem> items, Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> call)
    {
        var results = new List<TResult>(items.Count);
        foreach (var chunk in items.Chunk(IZendeskTarget.MaxBatch))
        {
            results.AddRange(await call(chunk).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Writes in chunks and hands each item its own result (matched by index within the chunk).</summary>
    public static async Task WriteAsync<TItem>(
        IReadOnlyList<(WorkItem Item, TItem Write)> writes,
        Func<IReadOnlyList<TItem>, Task<IReadOnlyList<WriteResult>>> call,
        Action<WorkItem, WriteResult> apply)
    {
        foreach (var chunk in writes.Chunk(IZendeskTarget.MaxBatch))
        {
            var results = await call(chunk.Select(w => w.Write).ToArray()).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                var result = results.FirstOrDefault(r => r.Index == i)
                    ?? new WriteResult(i, null, new WriteError(WriteErrorKind.Other, "MissingResult", "Zendesk returned no result for this item."));
                apply(chunk[i].Item, result);
            }
        }
    }
}
