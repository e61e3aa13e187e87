using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace AcumaticaZendesk.EmbeddedHost.EndToEndTests;

/// <summary>
/// The embedded mode's program started as <c>make demo</c> starts it (<c>dotnet AcumaticaZendesk.EmbeddedHost.dll
/// --repo-root …</c>), on three free ports so it never meets a <c>make run</c> on the same machine; killed on dispose.
/// </summary>
internal sealed class EmbeddedHostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private EmbeddedHostProcess(Process process, int sandboxPort, int workerPort, int receiverPort)
    {
        this.process = process;
        SandboxUrl = new Uri($"http://127.0.0.1:{sandboxPort}/");
        WorkerUrl = new Uri($"http://127.0.0.1:{workerPort}/");
        ReceiverUrl = new Uri($"http://127.0.0.1:{receiverPort}/");
    }

    public static string RepoRoot => Metadata("RepoRoot");

    public Uri SandboxUrl { get; }

    public Uri WorkerUrl { get; }

    public Uri ReceiverUrl { get; }

    /// <summary>Everything the program printed so far (standard output and error).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    public static EmbeddedHostProcess Start(string secretsFile)
    {
        var dll = Metadata("EmbeddedHostDll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first.");
        var (sandbox, worker, receiver) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            dll, "--repo-root", RepoRoot, "--secrets-file", secretsFile,
            "--sandbox-port", $"{sandbox}", "--worker-port", $"{worker}", "--receiver-port", $"{receiver}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var host = new EmbeddedHostProcess(process, sandbox, worker, receiver);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Metadata(string key) =>
        typeof(EmbeddedHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        process.Dispose();
    }
}
