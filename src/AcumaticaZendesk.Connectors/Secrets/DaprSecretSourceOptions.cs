using System.ComponentModel.DataAnnotations;
using AcumaticaZendesk.Contracts;

namespace AcumaticaZendesk.Connectors.Secrets;

/// <summary>Settings of <see cref="DaprSecretSource"/> (configuration section <c>Connectors:Secrets</c>, read by both apps).</summary>
public sealed class DaprSecretSourceOptions
{
    public const string SectionName = "Connectors:Secrets";

    /// <summary>The Dapr secret store component. Default <c>connector-secrets</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = SectionName + ":" + nameof(StoreName) + " is required (the Dapr secret store component, normally '"
        + DaprNames.Components.SecretStore + "').")]
    public string StoreName { get; set; } = DaprNames.Components.SecretStore;

    /// <summary>
    /// How the store spells the ':' of the code's secret names (<c>token-encryption:keys</c>). The component sets
    /// <c>nestedSeparator: "--"</c> because Kubernetes and Key Vault refuse ':'; use ":" for a store that keeps it. Default <c>--</c>.
    /// </summary>
    [Required(ErrorMessage = SectionName + ":" + nameof(NestedSeparator) + " is required (the component's nestedSeparator, e.g. '--').")]
    public string NestedSeparator { get; set; } = "--";

    /// <summary>How long a value read from the store is reused (0 = not at all). Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = SectionName + ":" + nameof(CacheDuration) + " must be between {1} and {2}.")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long "this secret does not exist" is remembered (0 = not at all). Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = SectionName + ":" + nameof(MissingCacheDuration) + " must be between {1} and {2}.")]
    public TimeSpan MissingCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of one call to the sidecar. Default 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:02:00", ErrorMessage = SectionName + ":" + nameof(Timeout) + " must be between {1} and {2}.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
