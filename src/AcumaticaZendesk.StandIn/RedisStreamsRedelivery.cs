using YamlDotNet.RepresentationModel;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// When a Redis Streams pub/sub redelivers a message (components-contrib <c>pubsub/redis/redis.go</c>): every
/// <see cref="RedeliverInterval"/> the component claims (<c>XPENDING</c> + <c>XCLAIM</c>) each message that has been
/// pending, unacknowledged, for at least <see cref="ProcessingTimeout"/>, and hands it to the handler again, whether or
/// not the first handling is still running. Either being zero disables redelivery. Defaults of
/// <c>pubsub/redis/metadata.yaml</c>: 15 s and 60 s.
/// </summary>
public sealed record RedisStreamsRedelivery(TimeSpan ProcessingTimeout, TimeSpan RedeliverInterval)
{
    public static RedisStreamsRedelivery Defaults { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));

    /// <summary>The repository's <c>components/connector-pubsub.yaml</c>, copied next to the test assemblies.</summary>
    public static RedisStreamsRedelivery Repository => LazyRepository.Value;

    private static readonly Lazy<RedisStreamsRedelivery> LazyRepository = new(() =>
        Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "components", "connector-pubsub.yaml"))));

    public bool Enabled => ProcessingTimeout > TimeSpan.Zero && RedeliverInterval > TimeSpan.Zero;

    /// <summary>Reads a <c>pubsub.redis</c> component; any other type fails loudly (the stand-in models Redis Streams only).</summary>
    public static RedisStreamsRedelivery Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var spec = (YamlMappingNode)root.Children[new YamlScalarNode("spec")];
        var type = ((YamlScalarNode)spec.Children[new YamlScalarNode("type")]).Value;
        if (type != "pubsub.redis")
        {
            throw new InvalidOperationException($"pub/sub component of type '{type}': the stand-in models the redelivery of pubsub.redis only");
        }

        var metadata = spec.Children.TryGetValue(new YamlScalarNode("metadata"), out var m) ? (YamlSequenceNode)m : new YamlSequenceNode();
        string? Value(string name) => metadata.OfType<YamlMappingNode>()
            .Where(i => ((YamlScalarNode)i.Children[new YamlScalarNode("name")]).Value == name)
            .Select(i => i.Children.TryGetValue(new YamlScalarNode("value"), out var v) ? ((YamlScalarNode)v).Value : null)
            .FirstOrDefault();

        return new RedisStreamsRedelivery(
            SidecarResiliency.Duration(Value("processingTimeout")) ?? Defaults.ProcessingTimeout,
            SidecarResiliency.Duration(Value("redeliverInterval")) ?? Defaults.RedeliverInterval);
    }
}
