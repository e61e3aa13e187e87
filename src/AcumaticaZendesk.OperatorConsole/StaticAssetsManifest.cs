using System.Reflection;

namespace AcumaticaZendesk.OperatorConsole;

/// <summary>
/// Where the host's static web assets manifest (<c>{app}.staticwebassets.endpoints.json</c>, which serves
/// <c>_framework/blazor.web.js</c> and this library's styles) is: next to the process (a published or run app), or
/// next to the host's assembly when another process hosts it (tests start the app in-process).
/// </summary>
internal static class StaticAssetsManifest
{
    public static string? Find(string applicationName)
    {
        var name = $"{applicationName}.staticwebassets.endpoints.json";
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, name)))
        {
            return null; // the framework's default location
        }

        var hostDirectory = Path.GetDirectoryName(Assembly.Load(new AssemblyName(applicationName)).Location);
        var beside = hostDirectory is null ? null : Path.Combine(hostDirectory, name);
        return beside is not null && File.Exists(beside) ? beside : null;
    }
}
