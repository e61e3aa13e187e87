using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Sandbox.Acumatica;
using AcumaticaZendesk.Sandbox.Zendesk;

namespace AcumaticaZendesk.Sandbox.Infrastructure;

/// <summary>Optional file persistence: loads the state at start, saves every few seconds when requests arrived, and on stop.</summary>
internal sealed class StatePersistence(SandboxState state, string path) : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        WriteIndented = false,
    };

    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim saving = new(1, 1);
    private Task? autosave;
    private long savedAt = -1;

    private sealed record AcuRecordDto(string Entity, Guid Id, string Note, DateTimeOffset LastModified, JsonObject Data);

    private sealed record AcuDto(
        string Name,
        string Tenant,
        List<string> Versions,
        AcumaticaSettings Settings,
        Dictionary<string, string> Users,
        OAuthSnapshot OAuth,
        List<AcuRecordDto> Records);

    private sealed record ZdDto(
        string Subdomain,
        ZendeskSettings Settings,
        Dictionary<string, string> ApiTokens,
        OAuthSnapshot OAuth,
        WebhookTarget? Webhook,
        List<ZdOrg> Organizations,
        List<ZdUser> Users,
        List<ZdTicket> Tickets);

    private sealed record Snapshot(List<AcuDto> Acumatica, List<ZdDto> Zendesk);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return;
        }

        await using var stream = File.OpenRead(path);
        var snapshot = await JsonSerializer.DeserializeAsync<Snapshot>(stream, Options, cancellationToken)
            ?? throw new InvalidDataException($"State file '{path}' is empty or not a sandbox snapshot.");
        foreach (var a in snapshot.Acumatica)
        {
            var i = state.AddAcumatica(a.Name, a.Tenant, a.Versions);
            i.Settings = a.Settings;
            foreach (var (u, p) in a.Users)
            {
                i.Users[u] = p;
            }

            i.OAuth.Import(a.OAuth);
            lock (i.Gate)
            {
                foreach (var r in a.Records)
                {
                    i.Restore(AcuEntityDef.All[r.Entity], r.Id, r.Data, r.Note, r.LastModified);
                }
            }
        }

        foreach (var z in snapshot.Zendesk)
        {
            var acct = state.AddZendesk(z.Subdomain);
            acct.Settings = z.Settings;
            foreach (var (e, t) in z.ApiTokens)
            {
                acct.ApiTokens[e] = t;
            }

            acct.OAuth.Import(z.OAuth);
            acct.Webhook = z.Webhook;
            lock (acct.Gate)
            {
                acct.Restore(z.Organizations, z.Users, z.Tickets);
            }
        }
    }

    public void StartAutosave() => autosave = Task.Run(async () =>
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stop.Token);
                if (state.Requests.Total + state.Version != savedAt)
                {
                    await SaveAsync(stop.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    });

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await saving.WaitAsync(cancellationToken);
        try
        {
            var marker = state.Requests.Total + state.Version;
            var snapshot = new Snapshot([.. state.AcumaticaInstances.Select(ExportAcu)], [.. state.ZendeskAccounts.Select(ExportZd)]);
            var temp = path + ".tmp";
            await using (var stream = File.Create(temp))
            {
                await JsonSerializer.SerializeAsync(stream, snapshot, Options, cancellationToken);
            }

            File.Move(temp, path, overwrite: true);
            savedAt = marker;
        }
        finally
        {
            saving.Release();
        }
    }

    private static AcuDto ExportAcu(AcuInstance i)
    {
        lock (i.Gate)
        {
            var records = AcuEntityDef.All.Values.Distinct()
                .SelectMany(d => i.Scan(d, null))
                .OrderBy(r => r.Order)
                .Select(r => new AcuRecordDto(r.Def.Name, r.Id, r.Note, r.LastModified, r.Data.DeepClone().AsObject()))
                .ToList();
            return new AcuDto(i.Name, i.Tenant, [.. i.Versions], i.Settings, new(i.Users, StringComparer.OrdinalIgnoreCase), i.OAuth.Export(), records);
        }
    }

    private static ZdDto ExportZd(ZdAccount a)
    {
        lock (a.Gate)
        {
            a.PumpJobs();
            return new ZdDto(a.Subdomain, a.Settings, new(a.ApiTokens, StringComparer.OrdinalIgnoreCase), a.OAuth.Export(), a.Webhook,
                JsonSerializer.Deserialize<List<ZdOrg>>(JsonSerializer.Serialize(a.AllOrgs.ToList(), Options), Options)!,
                JsonSerializer.Deserialize<List<ZdUser>>(JsonSerializer.Serialize(a.AllUsers.ToList(), Options), Options)!,
                JsonSerializer.Deserialize<List<ZdTicket>>(JsonSerializer.Serialize(a.AllTickets.ToList(), Options), Options)!);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (autosave is not null)
        {
            await autosave;
        }

        await SaveAsync(CancellationToken.None);
        stop.Dispose();
        saving.Dispose();
    }
}
