namespace AcumaticaZendesk.Console.EndToEndTests;

/// <summary>
/// Debian's Chromium at <c>/usr/bin/chromium</c> (<c>.ci/run</c> installs it with apt-get); Playwright never
/// downloads a browser here. Without it the tests fail in CI (<c>CI=true</c>) and are skipped elsewhere, saying why.
/// </summary>
internal static class SystemChromium
{
    public const string Path = "/usr/bin/chromium";

    public static string ExecutableOrSkip()
    {
        var path = Environment.GetEnvironmentVariable("CONSOLE_TESTS_CHROMIUM") is { Length: > 0 } configured ? configured : Path;
        if (File.Exists(path))
        {
            return path;
        }

        var message = $"The console's browser tests need Chromium at {path}: run 'apt-get update && apt-get install -y chromium' (.ci/run does it).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(message);
        }

        Assert.Skip(message);
        return path;
    }
}
