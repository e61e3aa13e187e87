using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace AcumaticaZendesk.EmbeddedHost.EndToEndTests;

/// <summary>
/// A secrets file made as <c>make secrets</c> makes <c>components/secrets.local.json</c>: the sample with a fresh
/// encryption key and fresh operator keys, in a temporary file.
/// </summary>
internal sealed class DemoSecrets : IDisposable
{
    private DemoSecrets(string path, string adminKey, string demoOpsKey)
    {
        Path = path;
        AdminKey = adminKey;
        DemoOpsKey = demoOpsKey;
    }

    public string Path { get; }

    /// <summary><c>operator.api-keys.admin</c>: sees every tenant.</summary>
    public string AdminKey { get; }

    /// <summary><c>operator.tenant-keys.demo.demo-ops</c>: sees the demo tenant only.</summary>
    public string DemoOpsKey { get; }

    public static DemoSecrets Create()
    {
        var sample = File.ReadAllText(System.IO.Path.Combine(EmbeddedHostProcess.RepoRoot, "components", "secrets.sample.json"));
        var (admin, demoOps) = (RandomKey(), RandomKey());
        var text = sample
            .Replace("REPLACE-with-base64-of-32-random-bytes", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), StringComparison.Ordinal)
            .Replace("REPLACE-with-a-long-random-string", admin, StringComparison.Ordinal)
            .Replace("REPLACE-with-another-long-random-string", demoOps, StringComparison.Ordinal);
        var secrets = JsonNode.Parse(text)!;
        Assert.Equal(admin, (string?)secrets["operator"]?["api-keys"]?["admin"]);
        Assert.Equal(demoOps, (string?)secrets["operator"]?["tenant-keys"]?["demo"]?["demo-ops"]);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"embedded-secrets-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return new DemoSecrets(path, admin, demoOps);
    }

    private static string RandomKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public void Dispose() => File.Delete(Path);
}
