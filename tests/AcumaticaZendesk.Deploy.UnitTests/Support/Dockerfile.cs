using System.Text.RegularExpressions;

namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>One instruction of a Dockerfile (continuation lines joined, comments dropped).</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line);

/// <summary>A build stage: its FROM image (global ARG defaults expanded), alias and instructions.</summary>
internal sealed record DockerStage(string Image, string? Alias, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
}

/// <summary>A minimal Dockerfile reader: enough to check stages, users, ports, labels and COPY sources.</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerInstruction> instructions, IReadOnlyList<DockerStage> stages)
    {
        Instructions = instructions;
        Stages = stages;
    }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage Final => Stages[^1];

    [GeneratedRegex(@"\$\{?(?<name>[A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex Variable();

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = i;
            var joined = line;
            while (joined.EndsWith('\\') && i + 1 < lines.Length)
            {
                var next = lines[++i].Trim();
                joined = joined[..^1].TrimEnd() + (next.StartsWith('#') ? "" : " " + next);
            }

            var space = joined.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new DockerInstruction(joined.ToUpperInvariant(), "", start + 1)
                : new DockerInstruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim(), start + 1));
        }

        return new Dockerfile(instructions, SplitStages(instructions));
    }

    private static List<DockerStage> SplitStages(List<DockerInstruction> instructions)
    {
        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<DockerStage>();
        string? image = null;
        string? alias = null;
        var body = new List<DockerInstruction>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "ARG" && image is null)
            {
                var parts = instruction.Arguments.Split('=', 2);
                globalArgs[parts[0]] = parts.Length == 2 ? Expand(parts[1].Trim('"'), globalArgs) : "";
            }
            else if (instruction.Keyword == "FROM")
            {
                if (image is not null)
                {
                    stages.Add(new DockerStage(image, alias, body));
                }

                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                image = Expand(words[0], globalArgs);
                alias = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                body = [];
            }
            else if (image is not null)
            {
                body.Add(instruction);
            }
        }

        if (image is not null)
        {
            stages.Add(new DockerStage(image, alias, body));
        }

        return stages;
    }

    private static string Expand(string value, Dictionary<string, string> args) =>
        Variable().Replace(value, m => args.TryGetValue(m.Groups["name"].Value, out var v) ? v : m.Value);

    /// <summary>Sources of a COPY/ADD without --from (paths in the build context).</summary>
    public static IReadOnlyList<string> ContextSources(DockerInstruction copy)
    {
        var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal)))
        {
            return [];
        }

        var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
        return paths[..^1];
    }

    public static string? CopyFromStage(DockerInstruction copy) =>
        copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
}
