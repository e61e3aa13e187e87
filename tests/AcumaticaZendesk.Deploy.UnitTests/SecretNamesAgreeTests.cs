using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using AcumaticaZendesk.Operator;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// Every secret name the code asks for (<see cref="SecretNames"/>, the operator's <see cref="ApiKeyOptions.SecretName"/>)
/// is named, for the sample tenant <c>demo</c> and the admin API key, by the local sample
/// (<c>components/secrets.sample.json</c>), the Kubernetes example (<c>deploy/kubernetes/secret.example.yaml</c>) and the
/// Key Vault names of the Container Apps parameters (<c>keyVaultSecretNames</c> in <c>main.example.bicepparam</c>):
/// a deploy that follows any of them starts.
/// </summary>
public sealed class SecretNamesAgreeTests
{
    private const string Tenant = "demo";

    /// <summary>One secret the apps need: any of the alternative names (a per-tenant name wins over the shared one).</summary>
    private sealed record Need(string What, params string[] AnyOf);

    private static readonly ConnectedSystem Zendesk = ConnectedSystem.Zendesk;
    private static readonly ConnectedSystem Acumatica = ConnectedSystem.Acumatica;

    /// <summary>What every deployment needs (Acumatica: OAuth client, or cookie sign-in; see <see cref="AcumaticaSignIn"/>).</summary>
    private static readonly Need[] Always =
    [
        new("token-encryption keys", SecretNames.TokenEncryptionKeys),
        new("current token-encryption key", SecretNames.TokenEncryptionCurrentKeyId),
        new("operator admin API key", new ApiKeyOptions { Name = "admin" }.SecretName),
        new("Zendesk webhook signing secret", SecretNames.WebhookSigningSecret(Tenant)),
        new("Acumatica push secret", SecretNames.AcumaticaPushSecret(Tenant)),
        new("Zendesk OAuth client id", SecretNames.TenantOAuthClientId(Tenant, Zendesk), SecretNames.OAuthClientId(Zendesk)),
        new("Zendesk OAuth client secret", SecretNames.TenantOAuthClientSecret(Tenant, Zendesk), SecretNames.OAuthClientSecret(Zendesk)),
    ];

    /// <summary>Acumatica sign-in: an OAuth client (tenant or shared) or a cookie sign-in user.</summary>
    private static readonly Need[][] AcumaticaSignIn =
    [
        [
            new("Acumatica OAuth client id", SecretNames.TenantOAuthClientId(Tenant, Acumatica), SecretNames.OAuthClientId(Acumatica)),
            new("Acumatica OAuth client secret", SecretNames.TenantOAuthClientSecret(Tenant, Acumatica), SecretNames.OAuthClientSecret(Acumatica)),
        ],
        [
            new("Acumatica user name", SecretNames.AcumaticaUserName(Tenant)),
            new("Acumatica password", SecretNames.AcumaticaPassword(Tenant)),
        ],
    ];

    public static TheoryData<string> Sources =>
        ["components/secrets.sample.json", "deploy/kubernetes/secret.example.yaml", "deploy/azure-container-apps/main.example.bicepparam"];

    [Theory]
    [MemberData(nameof(Sources))]
    public void Every_secret_the_code_reads_is_named(string source)
    {
        var named = Named(source);

        var missing = Always.Where(n => !n.AnyOf.Any(named.Contains)).Select(n => $"{n.What} ({string.Join(" or ", n.AnyOf)})").ToList();
        if (!AcumaticaSignIn.Any(way => way.All(n => n.AnyOf.Any(named.Contains))))
        {
            missing.Add("Acumatica sign-in (an OAuth client id + secret, or a user name + password)");
        }

        Assert.True(missing.Count == 0, $"{source} does not name: {string.Join("; ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Nothing_is_named_that_the_code_never_reads(string source)
    {
        var known = Always.Concat(AcumaticaSignIn.SelectMany(w => w)).SelectMany(n => n.AnyOf).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(Named(source), n => !known.Contains(n) && !IsOperatorKey(n));
    }

    /// <summary>
    /// Operator API keys are named by configuration (<c>Operator:ApiKeys</c>), so any key name under the admin or the
    /// sample tenant's prefix (as <see cref="ApiKeyOptions.SecretName"/> spells them) is one the code reads.
    /// </summary>
    private static bool IsOperatorKey(string name)
    {
        var admin = new ApiKeyOptions { Name = "" }.SecretName;
        var scoped = new ApiKeyOptions { Name = "", Tenant = Tenant }.SecretName;
        return (name.StartsWith(admin, StringComparison.Ordinal) && name.Length > admin.Length)
            || (name.StartsWith(scoped, StringComparison.Ordinal) && name.Length > scoped.Length);
    }

    [Fact]
    public void Every_name_in_SecretNames_is_one_this_test_checks()
    {
        var checkedNames = Always.Concat(AcumaticaSignIn.SelectMany(w => w)).SelectMany(n => n.AnyOf).ToHashSet(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var member in typeof(SecretNames).GetMembers(BindingFlags.Public | BindingFlags.Static))
        {
            if (member is FieldInfo field)
            {
                names.Add((string)field.GetValue(null)!);
            }
            else if (member is MethodInfo method)
            {
                var systems = method.GetParameters().Any(p => p.ParameterType == typeof(ConnectedSystem)) ? [Zendesk, Acumatica] : new[] { Zendesk };
                names.AddRange(systems.Select(system => (string)method.Invoke(
                    null, [.. method.GetParameters().Select(p => p.ParameterType == typeof(string) ? (object)Tenant : system)])!));
            }
        }

        Assert.NotEmpty(names);
        Assert.DoesNotContain(names, n => !checkedNames.Contains(n));
    }

    /// <summary>The secret names a source names, spelled as the code spells them (<c>:</c> nesting).</summary>
    private static HashSet<string> Named(string source)
    {
        var path = RepoPaths.Combine(source);
        IEnumerable<string> names = Path.GetExtension(path) switch
        {
            ".json" => LeafKeys(JsonDocument.Parse(File.ReadAllText(path)).RootElement, ""),
            ".yaml" => YamlManifest.Load(path).Where(m => m.Kind == "Secret").Select(m => m.Name!).Where(n => n.Contains("--", StringComparison.Ordinal)),
            _ => KeyVaultNames(File.ReadAllText(path)),
        };
        return names.Select(n => n.Replace("--", ":", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> LeafKeys(JsonElement element, string prefix) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().SelectMany(p => LeafKeys(p.Value, prefix.Length == 0 ? p.Name : prefix + ":" + p.Name))
            : [prefix];

    /// <summary>The quoted names of <c>param keyVaultSecretNames = [ ... ]</c> (the worker's vault) and <c>webhookKeyVaultSecretNames</c> (the
    /// receiver's).</summary>
    private static IEnumerable<string> KeyVaultNames(string bicepparam) =>
        new[] { "keyVaultSecretNames", "webhookKeyVaultSecretNames" }.SelectMany(param =>
        {
            var list = Regex.Match(bicepparam, $@"param\s+{param}\s*=\s*\[(?<items>[^\]]*)\]", RegexOptions.Singleline);
            Assert.True(list.Success, $"main.example.bicepparam sets no {param}");
            return Regex.Matches(list.Groups["items"].Value, "'([^']+)'").Select(m => m.Groups[1].Value);
        });
}
