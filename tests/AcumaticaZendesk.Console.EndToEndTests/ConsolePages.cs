using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace AcumaticaZendesk.Console.EndToEndTests;

/// <summary>What the tests do on any console page: sign in, save a screenshot, check accessibility with axe.</summary>
internal static class ConsolePages
{
    /// <summary>artifacts/console under the repository root (found from the test's output folder).</summary>
    public static string ArtifactsDirectory { get; } = FindArtifacts();

    public static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/console");
        await page.WaitForURLAsync("**/console/sign-in**");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("button[type=submit]:has-text('Sign in')");
        try
        {
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/console");
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync(page, "failed-sign-in");
            throw new InvalidOperationException($"Sign-in did not reach /console; the page at {page.Url} says: {await page.InnerTextAsync("main")}");
        }

        await page.WaitForSelectorAsync("table.tenants");
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = true });
    }

    /// <summary>Runs axe on the page as it is and fails with every violation in words.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var violations = result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join("; ", v.Nodes.Take(3).Select(n => n.Target?.ToString() + " " + n.Html))}").ToArray();
        Assert.True(violations.Length == 0, $"axe found {violations.Length} violations on {page.Url}:\n" + string.Join("\n", violations));
    }

    private static string FindArtifacts()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AcumaticaZendesk.sln")))
            {
                return Path.Combine(directory.FullName, "artifacts", "console");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "artifacts", "console");
    }
}
