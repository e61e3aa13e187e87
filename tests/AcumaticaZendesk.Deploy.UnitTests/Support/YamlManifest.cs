using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>One YAML document of a manifest file, with small path helpers.</summary>
internal sealed record YamlManifest(string File, int Index, YamlMappingNode Root)
{
    public string ApiVersion => Scalar("apiVersion") ?? "";

    public string Kind => Scalar("kind") ?? "";

    public string Name => Scalar("metadata", "name") ?? "";

    public string Id => $"{RepoPaths.Relative(File)}#{Index} {Kind}/{Name}";

    public YamlNode? Node(params string[] path) => Root.At(path);

    public string? Scalar(params string[] path) => (Node(path) as YamlScalarNode)?.Value;

    /// <summary>Every non-empty document of a YAML file; a parse error names the file.</summary>
    public static IReadOnlyList<YamlManifest> Load(string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(System.IO.File.ReadAllText(file));
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{RepoPaths.Relative(file)} is not valid YAML: {ex.Message}", ex);
        }

        return stream.Documents
            .Select((d, i) => (Root: d.RootNode as YamlMappingNode, Index: i))
            .Where(d => d.Root is not null)
            .Select(d => new YamlManifest(file, d.Index, d.Root!))
            .ToList();
    }

    public static IReadOnlyList<YamlManifest> LoadAll(IEnumerable<string> files) => files.SelectMany(Load).ToList();
}

internal static class YamlNodeExtensions
{
    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                current = next;
            }
            else if (current is YamlSequenceNode seq && int.TryParse(key, CultureInfo.InvariantCulture, out var i) && i < seq.Children.Count)
            {
                current = seq.Children[i];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    public static string? ScalarAt(this YamlNode node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IReadOnlyList<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode seq ? seq.Children.ToList() : [];

    public static IReadOnlyList<string> Strings(this YamlNode? node) =>
        node.Items().OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList();

    public static IEnumerable<string> Keys(this YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "") : [];

    public static IEnumerable<KeyValuePair<string, YamlNode>> Entries(this YamlNode? node) =>
        node is YamlMappingNode map
            ? map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", kv.Value))
            : [];

    /// <summary>
    /// True for an unquoted scalar YAML reads as a number, boolean or null. Kubernetes rejects those
    /// where it wants strings (annotations, labels, env values), and Kustomize does not notice.
    /// </summary>
    public static bool IsNonStringPlainScalar(this YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: var v }
        && (v is null or "" or "~" || bool.TryParse(v, out _) || v is "yes" or "no" or "on" or "off" or "null"
            || decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
}
