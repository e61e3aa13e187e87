using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>The engine over in-memory fakes, plus the stores a test wants to look at.</summary>
internal sealed class EngineHarness
{
    public static readonly EntityKind[] AllKinds = [.. SyncStages.KindOrder];

    public EngineHarness(
        TenantConfig? tenant = null, SyncEngineOptions? options = null, IConnectorStateStore? store = null, InMemoryConnectorStateStore? memory = null,
        ThroughputOptions? throughput = null)
    {
        Memory = memory ?? new InMemoryConnectorStateStore();
        Store = store ?? Memory;
        Tenant = tenant ?? TestData.Tenant();
        Options = options ?? new SyncEngineOptions { PageEdges = new PageEdgeOptions { PageOverlap = 0 } };
        Services = Build(Store, Source, Zendesk, Time, Log, Options, throughput ?? new ThroughputOptions());
        Engine = Services.GetRequiredService<ISyncEngine>();
    }

    /// <summary>The core as <c>AddSyncCore</c> registers it, over the fakes, with these options.</summary>
    public ServiceProvider Services { get; }

    public InMemoryConnectorStateStore Memory { get; }

    public IConnectorStateStore Store { get; }

    public FakeAcumaticaSource Source { get; } = new();

    public FakeZendeskTarget Zendesk { get; } = new();

    public FakeTimeProvider Time { get; } = new(TestData.T0.AddDays(1));

    /// <summary>What the engine's parts logged.</summary>
    public EngineLog Log { get; } = new();

    public TenantConfig Tenant { get; }

    public SyncEngineOptions Options { get; }

    public ISyncEngine Engine { get; }

    public AuditTrail Audit => new(Memory, Options.Retention, Time);

    public FailedRecordQueue Failed => new(Memory, Options.Retention);

    public OnboardingReport Onboarding => new(Memory);

    public CheckpointStore Checkpoints => new(Memory, Time);

    public RunStore Runs => new(Memory, Time);

    public Task SaveTenantAsync() => new TenantRepository(Memory, Time).SaveAsync(Tenant, CancellationToken.None);

    /// <summary>The core's services over the given ports, time and options (registered after <c>AddSyncCore</c>, so they win).</summary>
    public static ServiceProvider Build(
        IConnectorStateStore store, IAcumaticaSource source, IZendeskTarget zendesk, TimeProvider time, EngineLog log, SyncEngineOptions options,
        ThroughputOptions throughput)
    {
        var services = new ServiceCollection()
            .AddSingleton(store)
            .AddSingleton(source)
            .AddSingleton(zendesk)
            .AddSingleton(time)
            .AddSingleton(log)
            .AddSingleton(typeof(ILogger<>), typeof(EngineLogger<>))
            .AddSyncCore(new ConfigurationBuilder().Build())
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(options))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(throughput));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Runs every kind in dependency order, page by page, like the workflow does (a dry run plans page by page instead).</summary>
    public async Task<List<SyncPagesResult>> RunAsync(string runId, int pageSize = 2, bool dryRun = false, params EntityKind[] kinds)
    {
        var results = new List<SyncPagesResult>();
        foreach (var kind in kinds.Length == 0 ? AllKinds : kinds)
        {
            for (var page = 0; ; page++)
            {
                Assert.True(page < 1_000, "the engine kept asking for more pages");
                var result = dryRun
                    ? (await Engine.PlanPageAsync(new PlanPageRequest(Tenant.Id, runId, kind, pageSize), CancellationToken.None)).Result
                    : await Engine.SyncPagesAsync(new SyncPagesRequest(Tenant.Id, runId, kind, pageSize), CancellationToken.None);
                results.Add(result);
                if (!result.HasMore)
                {
                    break;
                }
            }
        }

        return results;
    }
}

internal static class ResultExtensions
{
    public static int Created(this IEnumerable<SyncPagesResult> results) => results.Sum(r => r.Counts.Created);

    public static int Updated(this IEnumerable<SyncPagesResult> results) => results.Sum(r => r.Counts.Updated);

    public static int Failed(this IEnumerable<SyncPagesResult> results) => results.Sum(r => r.Counts.Failed);

    public static int Skipped(this IEnumerable<SyncPagesResult> results) => results.Sum(r => r.Counts.Skipped);

    public static int Unchanged(this IEnumerable<SyncPagesResult> results) => results.Sum(r => r.Counts.Unchanged);
}
