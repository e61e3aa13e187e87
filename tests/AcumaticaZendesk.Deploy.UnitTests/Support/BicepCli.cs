using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>Result of one Bicep CLI run.</summary>
internal sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// The Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64; its path is baked into
/// this assembly at build time). Only local modules are used, so every call passes --no-restore.
/// </summary>
internal static class BicepCli
{
    public static string? Path { get; } = typeof(BicepCli).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "BicepPath")?.Value;

    /// <summary>The package ships a linux-x64 binary only.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64;

    public static async Task<BicepRun> RunAsync(string workingDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Path) || !File.Exists(Path))
        {
            throw new InvalidOperationException($"Bicep CLI not found at '{Path}'; restore the test project (dotnet restore) first.");
        }

        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Bicep CLI did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new BicepRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Evaluates <paramref name="parametersFile"/> (relative to deploy/azure-container-apps) with
    /// <c>bicep snapshot</c> in a scratch copy of the folder and returns the predicted resources.
    /// </summary>
    public static async Task<JsonDocument> SnapshotAsync(string parametersFile, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("aca-bicep-");
        try
        {
            CopyDirectory(RepoPaths.AzureContainerApps, scratch.FullName);
            var run = await RunAsync(scratch.FullName,
            [
                "snapshot", parametersFile,
                "--subscription-id", "00000000-0000-0000-0000-000000000000",
                "--resource-group", "rg-test",
                "--location", "westeurope",
            ], cancellationToken);
            if (run.ExitCode != 0 || run.StandardError.Length > 0)
            {
                throw new InvalidOperationException($"bicep snapshot failed ({run.ExitCode}): {run.StandardError}");
            }

            var snapshot = System.IO.Path.Combine(scratch.FullName, System.IO.Path.ChangeExtension(parametersFile, ".snapshot.json"));
            return JsonDocument.Parse(await File.ReadAllTextAsync(snapshot, cancellationToken));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
