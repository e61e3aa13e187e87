using AcumaticaZendesk.Sync.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

public sealed class SyncEngineSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_the_section_the_engine_gets_its_defaults()
    {
        Assert.Equal(new SyncEngineOptions(), SyncEngineSettings.Read(Config()));
    }

    [Fact]
    public void The_section_tunes_the_engine()
    {
        var options = SyncEngineSettings.Read(Config(("Sync:Engine:PipelineDepth", "1"), ("Sync:Engine:MaxConcurrentWrites", "4"), ("Sync:Engine:MaxRetriesPerWindow", "0")));

        Assert.Equal((1, 4, 0), (options.PipelineDepth, options.MaxConcurrentWrites, options.MaxRetriesPerWindow));
    }

    [Theory]
    [InlineData("PipelineDepth", "0")]
    [InlineData("PipelineDepth", "17")]
    [InlineData("MaxConcurrentWrites", "31")]
    [InlineData("MaxRetriesPerWindow", "-1")]
    public void An_out_of_range_value_is_refused_at_start_with_the_setting_named(string setting, string value)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => SyncEngineSettings.Read(Config(($"Sync:Engine:{setting}", value))));

        Assert.Contains($"Sync:Engine:{setting}", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }
}
