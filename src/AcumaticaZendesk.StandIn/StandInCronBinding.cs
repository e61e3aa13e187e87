using YamlDotNet.RepresentationModel;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// One sidecar's <c>bindings.cron</c> input binding: it starts reading when the sidecar starts
/// (<see cref="StartedAt"/>) and fires at <see cref="DaprCronSchedule.FireTimes"/> from then on, so an <c>@every</c>
/// schedule fires at different moments on each sidecar, a field schedule at the same wall-clock moments on all of them
/// (components-contrib <c>bindings/cron/cron.go</c> <c>Read</c>: a cron runner per sidecar, started at <c>Read</c>).
/// </summary>
public sealed class StandInCronBinding(string name, DaprCronSchedule schedule, DateTimeOffset startedAt)
{
    public string Name { get; } = name;

    public DaprCronSchedule Schedule { get; } = schedule;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>When this sidecar fires the binding, after it started and up to <paramref name="until"/>.</summary>
    public IEnumerable<DateTimeOffset> FireTimes(DateTimeOffset until) => Schedule.FireTimes(StartedAt, until);

    /// <summary>The <c>schedule</c> metadata of a <c>bindings.cron</c> component file (e.g. components/sync-cron.yaml).</summary>
    public static string ScheduleOf(string componentYaml)
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(componentYaml))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var spec = (YamlMappingNode)root.Children[new YamlScalarNode("spec")];
        if (spec.Children[new YamlScalarNode("type")].ToString() != "bindings.cron")
        {
            throw new FormatException("The component is not a bindings.cron component");
        }

        var metadata = (YamlSequenceNode)spec.Children[new YamlScalarNode("metadata")];
        return metadata.Children.OfType<YamlMappingNode>()
            .Where(m => m.Children[new YamlScalarNode("name")].ToString() == "schedule")
            .Select(m => m.Children[new YamlScalarNode("value")].ToString())
            .Single();
    }

    /// <summary>The schedule of the repository's <c>components/sync-cron.yaml</c>, copied next to the assemblies.</summary>
    public static string RepositorySyncCronSchedule => LazyRepository.Value;

    private static readonly Lazy<string> LazyRepository = new(() =>
        ScheduleOf(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "components", "sync-cron.yaml"))));
}
