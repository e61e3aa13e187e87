using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

/// <summary>The worker's registrations read <c>Sync:Throughput</c> and <c>Sync:Engine</c> and refuse a bad value at start.</summary>
public sealed class ThroughputSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WebApplication Worker(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddSyncWorker();
        return builder.Build();
    }

    [Fact]
    public async Task Without_the_sections_the_documented_defaults_apply()
    {
        await using var app = Worker();

        var throughput = app.Services.GetRequiredService<IOptions<ThroughputOptions>>().Value;
        Assert.Equal((500, 16, 10, 8, 30, 4, 4), (throughput.PageSize, throughput.PagesPerBatch, throughput.PipelineDepth, throughput.MaxConcurrentWrites,
            throughput.MaxConcurrentBulkJobs, throughput.ZendeskSearchConcurrency, throughput.ReplayReadConcurrency));
        Assert.Equal(new SyncEngineOptions(), app.Services.GetRequiredService<IOptions<SyncEngineOptions>>().Value);
    }

    [Fact]
    public async Task The_sections_tune_the_engine_and_the_zendesk_client()
    {
        await using var app = Worker(
            ("Sync:Throughput:PipelineDepth", "1"), ("Sync:Throughput:MaxConcurrentWrites", "4"), ("Sync:Throughput:MaxConcurrentBulkJobs", "2"),
            ("Sync:Engine:MaxRetriesPerWindow", "0"));

        var throughput = app.Services.GetRequiredService<IOptions<ThroughputOptions>>().Value;
        Assert.Equal((1, 4), (throughput.PipelineDepth, throughput.MaxConcurrentWrites));
        Assert.Equal(2, app.Services.GetRequiredService<IOptions<Zendesk.ZendeskClientOptions>>().Value.MaxConcurrentBulkJobs);
        Assert.Equal(0, app.Services.GetRequiredService<IOptions<SyncEngineOptions>>().Value.MaxRetriesPerWindow);
    }

    [Theory]
    [InlineData("Sync:Throughput:PageSize", "0")]
    [InlineData("Sync:Throughput:PagesPerBatch", "101")]
    [InlineData("Sync:Throughput:PipelineDepth", "17")]
    [InlineData("Sync:Throughput:MaxConcurrentWrites", "31")]
    [InlineData("Sync:Throughput:MaxConcurrentBulkJobs", "0")]
    [InlineData("Sync:Throughput:ZendeskSearchConcurrency", "17")]
    [InlineData("Sync:Throughput:ReplayReadConcurrency", "0")]
    [InlineData("Sync:Engine:MaxRetriesPerWindow", "-1")]
    [InlineData("Sync:Engine:PageEdges:PageOverlap", "-1")]
    [InlineData("Sync:Engine:Retention:MaxAge", "00:00:01")]
    public async Task A_bad_value_stops_the_start_with_the_setting_named(string key, string value)
    {
        await using var app = Worker((key, value));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(Ct));

        // Options built from the refused ones (the Zendesk client's bulk-job cap) are refused with the same failure.
        IReadOnlyList<Exception> failures = refused is AggregateException all ? all.InnerExceptions : [refused];
        Assert.All(failures, f => Assert.IsType<OptionsValidationException>(f));
        Assert.Contains(failures, f => f.Message.Contains($"{key} must be between", StringComparison.Ordinal));
    }
}
