using System.ComponentModel.DataAnnotations;
using System.Net;

namespace AcumaticaZendesk.Connectors.Egress;

/// <summary>
/// Where the connector may connect besides public internet addresses (configuration section <c>Egress</c>).
/// Production leaves <see cref="AllowList"/> empty; development, tests, the sandbox and the demo name
/// <c>127.0.0.1</c> (or their hosts) here explicitly.
/// </summary>
public sealed class EgressOptions : IValidatableObject
{
    public const string SectionName = "Egress";

    /// <summary>
    /// Development allow-list. Each entry is an IP address (<c>127.0.0.1</c>, <c>::1</c>), a network in CIDR
    /// notation (<c>10.1.0.0/16</c>) or a host name (<c>sandbox.internal</c>). A listed address or network may be
    /// reached although it is loopback, private, link-local, unique-local or a metadata address; a listed host
    /// may be reached whatever it resolves to, over http too, and may stand in for <c>{subdomain}.zendesk.com</c>.
    /// </summary>
    public List<string> AllowList { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        AllowList.Select(EgressOptionsValidation.Check).OfType<string>()
            .Select(e => new ValidationResult($"{SectionName}:{nameof(AllowList)}: {e}", [nameof(AllowList)]));
}

internal static class EgressOptionsValidation
{
    /// <summary>Why an allow-list entry is not understood, or null.</summary>
    public static string? Check(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
            return "an entry is blank";
        if (entry.Contains('/', StringComparison.Ordinal))
            return IPNetwork.TryParse(entry, out _) ? null : $"'{entry}' is not a CIDR network such as 10.1.0.0/16";
        if (IPAddress.TryParse(entry, out _))
            return null;
        return Uri.CheckHostName(entry) == UriHostNameType.Dns ? null : $"'{entry}' is neither an IP address, a CIDR network nor a host name";
    }
}
