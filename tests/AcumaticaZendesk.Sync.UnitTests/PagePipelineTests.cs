using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.DependencyInjection;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>
/// The page pipeline on its own (no facade, no stop handling): pages read one after another, their work in flight
/// together, their checkpoints committed in order, and nothing left running when a call ends.
/// </summary>
public sealed class PagePipelineTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // a hang guard, not a timing assertion

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Seven customers: pages of two are C0-C1, C2-C3, C4-C5 and C6.</summary>
    private static async Task<(EngineHarness Harness, PagePipeline Pipeline, RecordingStore Store)> SevenCustomersAsync(ThroughputOptions? throughput = null)
    {
        var memory = new InMemoryConnectorStateStore();
        var store = new RecordingStore(memory);
        var h = new EngineHarness(store: store, memory: memory, throughput: throughput);
        await h.SaveTenantAsync();
        for (var i = 0; i < 7; i++)
        {
            h.Source.Upsert(Customer($"C{i}", $"Account {i}", T0.AddMinutes(i)));
        }

        return (h, h.Services.GetRequiredService<PagePipeline>(), store);
    }

    private static SyncPagesRequest Request(EngineHarness h) => new(h.Tenant.Id, "run-1", EntityKind.Customer, PageSize: 2, MaxPages: 10);

    [Fact]
    public async Task A_later_page_whose_work_ends_first_is_committed_only_after_the_page_before_it()
    {
        var (h, pipeline, store) = await SevenCustomersAsync();
        var secondPageAudited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.OnSave = key =>
        {
            if (key == StateKeys.RecordHistory(h.Tenant.Id, EntityKind.Customer, "C3"))
            {
                secondPageAudited.TrySetResult();
            }
        };

        // The first page's job ends only once the second page's records are in the audit trail.
        h.Zendesk.BeforeOrganizationCreates = batch => batch[0].ExternalId == "C0" ? secondPageAudited.Task : Task.CompletedTask;

        var result = await pipeline.RunAsync(Request(h), Ct).WaitAsync(Guard, Ct);

        Assert.Equal((4, 7, false), (result.Counts.Pages, result.Counts.Created, result.HasMore));
        var checkpoint = StateKeys.Checkpoint(h.Tenant.Id, EntityKind.Customer);
        var commits = store.Saves.Where(s => s.Key == checkpoint).Select(s => s.Skip).ToArray();
        Assert.Equal([2, 4, 6, 0], commits);
        var secondAudited = store.Saves.FindIndex(s => s.Key == StateKeys.RecordHistory(h.Tenant.Id, EntityKind.Customer, "C3"));
        var firstCommitted = store.Saves.FindIndex(s => s.Key == checkpoint);
        Assert.True(secondAudited < firstCommitted, "the second page's work ended before the first page was committed");
    }

    [Fact]
    public async Task A_failed_read_lets_the_pages_started_before_it_finish_and_commit_then_fails_the_call()
    {
        var (h, pipeline, _) = await SevenCustomersAsync();
        var thirdRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Zendesk.BeforeOrganizationCreates = batch => batch[0].ExternalId == "C2" ? thirdRead.Task : Task.CompletedTask;
        h.Source.BeforeRead = read =>
        {
            if (read == 2)
            {
                thirdRead.TrySetResult(); // the second page's job goes on while the third read fails
                throw new HttpRequestException("Acumatica answered 503");
            }
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => pipeline.RunAsync(Request(h), Ct).WaitAsync(Guard, Ct));

        // Nothing is left running once the call failed: both started pages are written and committed.
        Assert.Equal(["C0", "C1", "C2", "C3"], h.Zendesk.Organizations.Values.Select(o => o.ExternalId).Order());
        var (checkpoint, _) = await h.Checkpoints.GetAsync(h.Tenant.Id, EntityKind.Customer, Ct);
        Assert.Equal(4, checkpoint!.Skip);
        var run = await h.Runs.GetAsync(h.Tenant.Id, "run-1", Ct);
        Assert.Equal((2, 4), (run!.Kinds["customer"].Counts.Pages, run.Kinds["customer"].Counts.Created));
    }

    [Fact]
    public async Task With_a_depth_of_one_each_page_s_work_ends_before_the_next_page_is_read()
    {
        var (h, pipeline, _) = await SevenCustomersAsync(new ThroughputOptions { PipelineDepth = 1 });
        var events = new List<string>();
        h.Source.BeforeRead = read =>
        {
            lock (events)
            {
                events.Add($"read {read}");
            }
        };
        h.Zendesk.BeforeOrganizationCreates = async batch =>
        {
            lock (events)
            {
                events.Add($"start {batch[0].ExternalId}");
            }

            await Task.Yield();
            lock (events)
            {
                events.Add($"end {batch[0].ExternalId}");
            }
        };

        var result = await pipeline.RunAsync(Request(h), Ct).WaitAsync(Guard, Ct);

        Assert.Equal(4, result.Counts.Pages);
        Assert.Equal(
            ["read 0", "start C0", "end C0", "read 1", "start C2", "end C2", "read 2", "start C4", "end C4", "read 3", "read 4", "start C6", "end C6"],
            events);
    }

    /// <summary>The state store with every save (plain or conditional) listed in order, and a hook before each.</summary>
    private sealed class RecordingStore(InMemoryConnectorStateStore inner) : IConnectorStateStore
    {
        public List<(string Key, int? Skip)> Saves { get; } = [];

        public Action<string>? OnSave { get; set; }

        public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken) => inner.GetAsync<T>(key, cancellationToken);

        public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            inner.GetManyAsync<T>(keys, cancellationToken);

        public async Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken)
        {
            await inner.SaveAsync(key, value, cancellationToken);
            Saved(key, value);
        }

        public async Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
        {
            var saved = await inner.TrySaveAsync(key, value, etag, cancellationToken);
            if (saved)
            {
                Saved(key, value);
            }

            return saved;
        }

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        private void Saved<T>(string key, T value)
        {
            lock (Saves)
            {
                Saves.Add((key, (value as PageCheckpoint)?.Skip));
            }

            OnSave?.Invoke(key);
        }
    }
}
