using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>
/// <c>Sync:Throughput</c> as the host binds it: a setting left under the key it had before that section held them all
/// stops the start (ignored in silence, it would leave an operator's tuning without effect), and values bind.
/// </summary>
public sealed class ThroughputRegistrationTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Theory]
    [InlineData("SyncSchedule:PageSize", "Sync:Throughput:PageSize")]
    [InlineData("SyncSchedule:PagesPerActivity", "Sync:Throughput:PagesPerBatch")]
    [InlineData("Sync:Engine:PipelineDepth", "Sync:Throughput:PipelineDepth")]
    [InlineData("Sync:Engine:MaxConcurrentWrites", "Sync:Throughput:MaxConcurrentWrites")]
    [InlineData("Zendesk:MaxConcurrentBulkJobs", "Sync:Throughput:MaxConcurrentBulkJobs")]
    [InlineData("Connectors:ZendeskSearchConcurrency", "Sync:Throughput:ZendeskSearchConcurrency")]
    [InlineData("Connectors:ReplayReadConcurrency", "Sync:Throughput:ReplayReadConcurrency")]
    public void A_setting_under_its_former_key_stops_the_start_with_the_key_to_use(string former, string current)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddThroughputOptions(Settings((former, "2"))));

        Assert.Equal([$"{former} is no longer read: set {current} instead."], refused.Failures);
        Assert.Equal(typeof(ThroughputOptions), refused.OptionsType);
    }

    [Fact]
    public void Every_former_key_set_is_named_at_once()
    {
        var refused = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddThroughputOptions(Settings(("SyncSchedule:PageSize", "2"), ("Connectors:ReplayReadConcurrency", "2"))));

        Assert.Equal(2, refused.Failures.Count());
    }

    [Fact]
    public void The_section_binds_and_a_second_registration_changes_nothing()
    {
        var services = new ServiceCollection()
            .AddThroughputOptions(Settings(("Sync:Throughput:PageSize", "250"), ("Sync:Throughput:PagesPerBatch", "2")))
            .AddThroughputOptions(Settings(("Sync:Throughput:PageSize", "10")));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ThroughputOptions>>().Value;
        Assert.Equal((250, 2), (options.PageSize, options.PagesPerBatch));
    }

    [Fact]
    public void A_value_out_of_range_is_refused_with_the_setting_named()
    {
        using var provider = new ServiceCollection().AddThroughputOptions(Settings(("Sync:Throughput:PageSize", "0"))).BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ThroughputOptions>>().Value);
        Assert.Contains("Sync:Throughput:PageSize must be between 1 and 1000", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_arguments_are_refused_by_name()
    {
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => ThroughputRegistration.AddThroughputOptions(null!, Settings())).ParamName);
        Assert.Equal("configuration", Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddThroughputOptions(null!)).ParamName);
    }
}
