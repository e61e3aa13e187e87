namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// <c>--profile DIR</c>: the large memory child (the connector alone, the sandbox staying in the parent) runs under
/// <c>dotnet-trace collect</c> with the <c>dotnet-sampled-thread-time</c> profile (EventPipe's sample profiler: every
/// managed thread's stack about every 10 ms), written as a speedscope file beside the trace.
/// </summary>
internal static class CpuProfile
{
    /// <summary><c>dotnet-trace</c> (a .NET global tool: <c>dotnet tool install --global dotnet-trace</c>), from PATH or ~/.dotnet/tools.</summary>
    public static string TraceTool
    {
        get
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var installed = Path.Combine(home, ".dotnet", "tools", "dotnet-trace");
            return File.Exists(installed) ? installed : "dotnet-trace";
        }
    }

    public static IEnumerable<string> CollectArguments(string tracePath) =>
        ["collect", "--profile", "dotnet-sampled-thread-time", "--format", "Speedscope", "--show-child-io", "-o", tracePath, "--"];
}
