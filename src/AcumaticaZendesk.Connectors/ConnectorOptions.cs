using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors;

/// <summary>Settings of the adapters (configuration section <c>Connectors</c>).</summary>
public sealed class ConnectorOptions
{
    public const string SectionName = "Connectors";

    /// <summary>How often the token-encryption key ring is re-read from the secret store.</summary>
    public TimeSpan KeyRingRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Records read concurrently by key during a replay (Acumatica has no batch read by key).</summary>
    public int ReplayReadConcurrency { get; set; } = 4;

    /// <summary>How long a Zendesk bulk job may take before the write is reported as failed (the job may still finish; the next run finds its records by external_id).</summary>
    public TimeSpan ZendeskJobTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class ConnectorOptionsValidator : IValidateOptions<ConnectorOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectorOptions options)
    {
        var errors = new List<string>();
        if (options.KeyRingRefreshInterval <= TimeSpan.Zero)
            errors.Add($"{ConnectorOptions.SectionName}:{nameof(options.KeyRingRefreshInterval)} must be positive (was {options.KeyRingRefreshInterval}).");
        if (options.ReplayReadConcurrency is < 1 or > 16)
            errors.Add($"{ConnectorOptions.SectionName}:{nameof(options.ReplayReadConcurrency)} must be between 1 and 16 (was {options.ReplayReadConcurrency}).");
        if (options.ZendeskJobTimeout <= TimeSpan.Zero)
            errors.Add($"{ConnectorOptions.SectionName}:{nameof(options.ZendeskJobTimeout)} must be positive (was {options.ZendeskJobTimeout}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
