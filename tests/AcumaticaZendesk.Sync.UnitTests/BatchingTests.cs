using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class BatchingTests
{
    [Fact]
    public async Task A_pages_chunks_are_in_flight_together_up_to_the_limit_and_results_map_back_in_order()
    {
        var writes = Enumerable.Range(0, 450).Select(i => (new WorkItem(Customer($"C{i}", $"N{i}"), $"c{i}"), i)).ToArray();
        var gates = new List<TaskCompletionSource<IReadOnlyList<WriteResult>>>();
        var sent = new List<IReadOnlyList<int>>();
        var maxInFlight = 0;
        var inFlight = 0;

        var writing = Batching.WriteAsync(writes, chunk =>
        {
            lock (gates)
            {
                sent.Add(chunk);
                maxInFlight = Math.Max(maxInFlight, ++inFlight);
                var gate = new TaskCompletionSource<IReadOnlyList<WriteResult>>(TaskCreationOptions.RunContinuationsAsynchronously);
                gates.Add(gate);
                return gate.Task;
            }
        }, Batching.ApplyWrite, maxConcurrent: 3);

        // Three jobs are out before any finished; the fourth waits for a free slot.
        Assert.Equal([100, 100, 100], sent.Select(c => c.Count));
        Assert.False(writing.IsCompleted);

        // Complete them out of order; each answer reverses its chunk's result order (results are matched by index).
        for (var done = 0; done < 5; done++)
        {
            var index = done switch { 0 => 1, 1 => 0, _ => done };
            TaskCompletionSource<IReadOnlyList<WriteResult>> gate;
            IReadOnlyList<int> chunk;
            while (true)
            {
                lock (gates)
                {
                    if (gates.Count > index)
                    {
                        inFlight--;
                        (gate, chunk) = (gates[index], sent[index]);
                        break;
                    }
                }

                await Task.Delay(1, TestContext.Current.CancellationToken);
            }

            gate.SetResult([.. chunk.Select((value, i) => new WriteResult(i, value == 7 ? null : 10_000 + value,
                value == 7 ? new WriteError(WriteErrorKind.DuplicateValue, "DuplicateValue", "taken") : null)).Reverse()]);
            await Task.Yield();
        }

        await writing;
        Assert.Equal(3, maxInFlight);
        Assert.Equal([100, 100, 100, 100, 50], sent.Select(c => c.Count));
        Assert.Equal(Enumerable.Range(0, 450), sent.SelectMany(c => c));
        Assert.All(writes.Where(w => w.i != 7), w => Assert.Equal(10_000 + w.i, w.Item1.ZendeskId));
        Assert.Equal(PlannedAction.Fail, writes[7].Item1.Action);
    }

    [Fact]
    public async Task A_failing_job_lets_the_others_finish_and_apply_before_the_error_surfaces()
    {
        var writes = Enumerable.Range(0, 250).Select(i => (new WorkItem(Customer($"C{i}", $"N{i}"), $"c{i}"), i)).ToArray();
        var calls = 0;

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Batching.WriteAsync(writes, async chunk =>
        {
            var call = Interlocked.Increment(ref calls);
            await Task.Yield();
            return call == 2
                ? throw new HttpRequestException("boom")
                : (IReadOnlyList<WriteResult>)[.. chunk.Select((value, i) => new WriteResult(i, 10_000 + value, null))];
        }, Batching.ApplyWrite, maxConcurrent: 8));

        Assert.Equal("boom", error.Message);
        Assert.Equal(3, calls);
        Assert.Equal(10_000, writes[0].Item1.ZendeskId);
        Assert.Null(writes[150].Item1.ZendeskId);
        Assert.Equal(10_249, writes[249].Item1.ZendeskId);
    }

    [Fact]
    public async Task A_limit_below_one_job_at_a_time_is_refused_by_name_even_with_nothing_to_send()
    {
        (WorkItem, int)[] none = [];

        var write = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Batching.WriteAsync(none, _ => Task.FromResult<IReadOnlyList<WriteResult>>([]), Batching.ApplyWrite, maxConcurrent: 0));
        var lookup = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Batching.InChunksAsync([1, 2], chunk => Task.FromResult<IReadOnlyList<int>>([.. chunk]), maxConcurrent: 0));

        Assert.Equal(("maxConcurrent", "maxConcurrent"), (write.ParamName, lookup.ParamName));
    }
}
