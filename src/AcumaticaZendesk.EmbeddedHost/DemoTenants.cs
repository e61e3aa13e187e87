namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>
/// The tenants file as the sync worker's seed, with the sandbox address of <c>make run</c>
/// (<c>http://127.0.0.1:5080/</c>) replaced by this sandbox's when another port was chosen.
/// </summary>
internal static class DemoTenants
{
    public const string RunSandboxUrl = "http://127.0.0.1:5080/";

    /// <summary>Writes the seed to a temporary file (removed when the embedded connector stops) and returns its path.</summary>
    public static string WriteFor(EmbeddedSettings settings)
    {
        var text = File.ReadAllText(settings.TenantsFile).Replace(RunSandboxUrl, settings.SandboxUrl.ToString(), StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"acumatica-zendesk-tenants-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }
}
